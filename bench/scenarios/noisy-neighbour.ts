import type pg from "pg";
import { BenchReceiver } from "../bench-receiver.ts";
import type { BenchSizes } from "../bench-sizes.ts";
import { nowMs, sleep } from "../clock.ts";
import { summarize, type LatencySummary } from "../percentiles.ts";
import { createScratchDatabase } from "../scratch-database.ts";
import { BENCH_DATA, BENCH_EVENT_TYPE, seedPartners } from "../seed.ts";
import { produceAtRate } from "../steady-producer.ts";
import { WorkerProcesses } from "../worker-processes.ts";

export interface HealthyPartnersRun {
  produced: number;
  delivered: number;
  /** Healthy deliveries/s from the first commit to the last healthy arrival. */
  deliveriesPerSecond: number;
  latency: LatencySummary;
}

export interface NoisyNeighbourResult {
  healthyRate: number;
  hangingPartnerRate: number;
  timeoutMs: number;
  alone: HealthyPartnersRun;
  besideHangingPartner: HealthyPartnersRun;
  /** Healthy throughput beside the hanging partner ÷ alone (target ≥ 0.9). */
  throughputKept: number;
  p99Ratio: number;
}

const PRODUCER_CONNECTIONS = 8;

async function healthyRun(sizes: BenchSizes, receiver: BenchReceiver, env: Record<string, string>, healthyRate: number, hangingRate: number): Promise<HealthyPartnersRun> {
  const hanging = await BenchReceiver.start({ hang: true });
  const scratch = await createScratchDatabase(PRODUCER_CONNECTIONS * 2);
  const workers = WorkerProcesses.start(1, { databaseUrl: scratch.url, env });
  try {
    const healthy = await seedPartners(scratch.pool, sizes.partners, (id) => receiver.url(`/p/${id}`));
    const [bad] = await seedPartners(scratch.pool, 1, () => hanging.url("/hangs"), sizes.partners);
    receiver.reset();
    await scratch.pool.query("INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ($1, $2, 'warmup', $3)", [healthy[0], BENCH_EVENT_TYPE, JSON.stringify(BENCH_DATA)]);
    await Promise.race([receiver.waitFor(1, 30_000), workers.crashed]);
    receiver.reset();
    receiver.trackIds = true;
    const insert = async (client: pg.PoolClient, partnerId: string, i: number) => {
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ($1, $2, $3, $4) RETURNING id",
        [partnerId, BENCH_EVENT_TYPE, `txn_${i}`, JSON.stringify(BENCH_DATA)],
      );
      return rows[0]!.id;
    };
    const firstCommit = nowMs();
    const [produced] = await Promise.all([
      produceAtRate(scratch.pool, healthyRate, sizes.noisySeconds, (client, i) => insert(client, healthy[i % healthy.length]!, i)),
      hangingRate > 0 ? produceAtRate(scratch.pool, hangingRate, sizes.noisySeconds, (client, i) => insert(client, bad!, i)) : undefined,
    ]);
    await receiver.waitFor(produced.committedAt.size, 60_000).catch(() => undefined);
    receiver.trackIds = false;
    const samples: number[] = [];
    let lastArrival = firstCommit;
    for (const [id, at] of produced.committedAt) {
      const arrival = receiver.arrivals.get(id);
      samples.push(arrival === undefined ? Infinity : arrival - at);
      if (arrival !== undefined && arrival > lastArrival) lastArrival = arrival;
    }
    const delivered = samples.filter(Number.isFinite).length;
    const end = delivered === samples.length ? lastArrival : nowMs();
    return {
      produced: samples.length,
      delivered,
      deliveriesPerSecond: Math.round((delivered * 1000) / (end - firstCommit)),
      latency: summarize(samples),
    };
  } finally {
    await workers.stop();
    await scratch.drop();
    await hanging.close();
    await sleep(100);
  }
}

/**
 * Healthy partners at half the measured max rate, alone and beside one partner whose endpoint
 * never answers (each of its attempts holds a worker slot until WEBHOOK_TIMEOUT_MS), sending
 * enough events to fill every slot twice over.
 */
export async function measureNoisyNeighbour(sizes: BenchSizes, receiver: BenchReceiver, env: Record<string, string>, maxRate: number): Promise<NoisyNeighbourResult> {
  const healthyRate = Math.max(1, Math.round(maxRate * 0.5));
  const hangingPartnerRate = Math.ceil((2 * sizes.concurrency * 1000) / sizes.noisyTimeoutMs);
  const noisyEnv = { ...env, WEBHOOK_TIMEOUT_MS: String(sizes.noisyTimeoutMs) };
  const alone = await healthyRun(sizes, receiver, noisyEnv, healthyRate, 0);
  const besideHangingPartner = await healthyRun(sizes, receiver, noisyEnv, healthyRate, hangingPartnerRate);
  return {
    healthyRate,
    hangingPartnerRate,
    timeoutMs: sizes.noisyTimeoutMs,
    alone,
    besideHangingPartner,
    throughputKept: Math.round((besideHangingPartner.deliveriesPerSecond / alone.deliveriesPerSecond) * 100) / 100,
    p99Ratio: Math.round((besideHangingPartner.latency.p99 / alone.latency.p99) * 100) / 100,
  };
}
