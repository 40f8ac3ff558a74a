import type pg from "pg";
import { enqueueEvent } from "../../src/outbox/index.ts";
import type { BenchSizes } from "../bench-sizes.ts";
import { nowMs } from "../clock.ts";
import { createScratchDatabase } from "../scratch-database.ts";
import { BENCH_DATA, BENCH_EVENT_TYPE, seedPartners } from "../seed.ts";

type Variant = "update" | "updatePlusOutboxSql" | "updatePlusEnqueueEvent";

export interface WritePathResult {
  connections: number;
  transactionsPerSecond: Record<Variant, number>;
  /** update-alone tx/s ÷ variant tx/s: how much slower the producer gets (target ≤ 1.3). */
  overheadSql: number;
  overheadEnqueueEvent: number;
}

const ACCOUNTS = 10_000;

async function oneTransaction(client: pg.PoolClient, variant: Variant, partnerIds: string[], i: number): Promise<void> {
  const account = 1 + Math.floor(Math.random() * ACCOUNTS);
  const partnerId = partnerIds[i % partnerIds.length]!;
  await client.query("BEGIN");
  await client.query("UPDATE public.bench_accounts SET status = 'completed', version = version + 1 WHERE id = $1", [account]);
  if (variant === "updatePlusOutboxSql") {
    await client.query(
      `INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload, idempotency_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (partner_id, idempotency_key) DO NOTHING`,
      [partnerId, BENCH_EVENT_TYPE, `txn_${account}`, JSON.stringify(BENCH_DATA), `bench-${process.pid}-${i}-${Math.random()}`],
    );
  } else if (variant === "updatePlusEnqueueEvent") {
    await enqueueEvent(client, { partnerId, type: BENCH_EVENT_TYPE, subjectId: `txn_${account}`, data: BENCH_DATA });
  }
  await client.query("COMMIT");
}

async function transactionsPerSecond(pool: pg.Pool, variant: Variant, partnerIds: string[], seconds: number, connections: number): Promise<number> {
  let done = 0;
  const deadline = nowMs() + seconds * 1000;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (nowMs() < deadline) await oneTransaction(client, variant, partnerIds, done++);
      } finally {
        client.release();
      }
    }),
  );
  return (done * 1000) / (nowMs() - start);
}

/**
 * Producer transactions/s: a domain UPDATE alone vs. the same UPDATE plus an outbox insert (plain
 * SQL and enqueueEvent), same connections, variants interleaved in rounds so drift hits all alike.
 */
export async function measureWritePath(sizes: BenchSizes, endpointUrl: string): Promise<WritePathResult> {
  const scratch = await createScratchDatabase(sizes.producerConnections);
  try {
    const partnerIds = await seedPartners(scratch.pool, sizes.partners, () => endpointUrl);
    const variants: Variant[] = ["update", "updatePlusOutboxSql", "updatePlusEnqueueEvent"];
    const totals: Record<Variant, number> = { update: 0, updatePlusOutboxSql: 0, updatePlusEnqueueEvent: 0 };
    await transactionsPerSecond(scratch.pool, "updatePlusEnqueueEvent", partnerIds, 0.5, sizes.producerConnections);
    for (let round = 0; round < sizes.writePathRounds; round++) {
      for (const variant of variants) {
        totals[variant] += await transactionsPerSecond(scratch.pool, variant, partnerIds, sizes.writePathSeconds, sizes.producerConnections);
      }
    }
    const tps = Object.fromEntries(variants.map((v) => [v, Math.round(totals[v] / sizes.writePathRounds)])) as Record<Variant, number>;
    return {
      connections: sizes.producerConnections,
      transactionsPerSecond: tps,
      overheadSql: Math.round((tps.update / tps.updatePlusOutboxSql) * 100) / 100,
      overheadEnqueueEvent: Math.round((tps.update / tps.updatePlusEnqueueEvent) * 100) / 100,
    };
  } finally {
    await scratch.drop();
  }
}
