import type { BenchReceiver } from "../bench-receiver.ts";
import type { BenchSizes } from "../bench-sizes.ts";
import { sleep } from "../clock.ts";
import { NoopWorker } from "../noop-worker.ts";
import { summarize, type LatencySummary } from "../percentiles.ts";
import { createScratchDatabase } from "../scratch-database.ts";
import { BENCH_DATA, BENCH_EVENT_TYPE, seedPartners } from "../seed.ts";
import { produceAtRate } from "../steady-producer.ts";
import { WorkerProcesses } from "../worker-processes.ts";

export interface LatencyResult {
  fractionOfMax: number;
  targetRate: number;
  achievedRate: number;
  /** Commit → arrival at the receiver, ms. */
  delivery: LatencySummary;
  /** Commit → no-op job start in graphile-worker with the service's own settings, ms. */
  graphileWorker: LatencySummary;
  /** delivery p99 ÷ graphile-worker p99 (target ≤ 3). */
  p99Ratio: number;
}

const PRODUCER_CONNECTIONS = 8;

async function deliveryLatency(sizes: BenchSizes, receiver: BenchReceiver, env: Record<string, string>, rate: number) {
  const scratch = await createScratchDatabase(PRODUCER_CONNECTIONS);
  const workers = WorkerProcesses.start(1, { databaseUrl: scratch.url, env });
  try {
    const partnerIds = await seedPartners(scratch.pool, sizes.partners, (id) => receiver.url(`/p/${id}`));
    receiver.reset();
    // Warm-up: the first delivery also waits for the worker process to boot.
    await scratch.pool.query("INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ($1, $2, 'warmup', $3)", [partnerIds[0], BENCH_EVENT_TYPE, JSON.stringify(BENCH_DATA)]);
    await Promise.race([receiver.waitFor(1, 30_000), workers.crashed]);
    receiver.reset();
    receiver.trackIds = true;
    const produced = await produceAtRate(scratch.pool, rate, sizes.latencySeconds, async (client, i) => {
      const { rows } = await client.query<{ id: string }>(
        "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ($1, $2, $3, $4) RETURNING id",
        [partnerIds[i % partnerIds.length], BENCH_EVENT_TYPE, `txn_${i}`, JSON.stringify(BENCH_DATA)],
      );
      return rows[0]!.id;
    });
    await receiver.waitFor(produced.committedAt.size, 60_000);
    receiver.trackIds = false;
    const samples = [...produced.committedAt].map(([id, at]) => receiver.arrivals.get(id)! - at);
    return { achievedRate: produced.achievedRate, latency: summarize(samples) };
  } finally {
    await workers.stop();
    await scratch.drop();
  }
}

async function graphileWorkerLatency(sizes: BenchSizes, preset: { worker?: Record<string, unknown> }, rate: number) {
  const scratch = await createScratchDatabase(PRODUCER_CONNECTIONS);
  const worker = await NoopWorker.start({ databaseUrl: scratch.url, concurrency: sizes.concurrency, poolSize: sizes.concurrency + 8, preset, expect: null, recordStarts: true });
  try {
    const produced = await produceAtRate(scratch.pool, rate, sizes.latencySeconds, async (client, i) => {
      await client.query("SELECT graphile_worker.add_job('bench_noop', json_build_object('i', $1::int))", [i]);
      return String(i);
    });
    await sleep(1500);
    const starts = await worker.report();
    const samples = [...produced.committedAt].map(([i, at]) => (starts.get(Number(i)) ?? Infinity) - at);
    return summarize(samples);
  } finally {
    await worker.stop();
    await scratch.drop();
  }
}

/** Commit → arrival at a steady rate (fractions of the measured max) vs. graphile-worker's own commit → job start. */
export async function measureLatency(
  sizes: BenchSizes,
  receiver: BenchReceiver,
  env: Record<string, string>,
  maxRate: number,
  servicePreset: { worker?: Record<string, unknown> },
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const fractionOfMax of [0.25, 0.75]) {
    const targetRate = Math.max(1, Math.round(maxRate * fractionOfMax));
    const delivery = await deliveryLatency(sizes, receiver, env, targetRate);
    const graphileWorker = await graphileWorkerLatency(sizes, servicePreset, targetRate);
    results.push({
      fractionOfMax,
      targetRate,
      achievedRate: delivery.achievedRate,
      delivery: delivery.latency,
      graphileWorker,
      p99Ratio: Math.round((delivery.latency.p99 / graphileWorker.p99) * 100) / 100,
    });
  }
  return results;
}
