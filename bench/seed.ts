import type pg from "pg";
import { generateSecret } from "../src/delivery/signing.ts";

export const BENCH_EVENT_TYPE = "transaction.status_updated" as const;
export const BENCH_DATA = { status: "completed" as const, amount: "12.50", currency: "EUR" };

export const partnerId = (i: number) => `ptn_bench_${i}`;

/** `count` partners, each with an endpoint at `urlOf(partnerId)`. */
export async function seedPartners(pool: pg.Pool, count: number, urlOf: (partnerId: string) => string, firstIndex = 0): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => partnerId(firstIndex + i));
  await pool.query("INSERT INTO webhooks.partners (id, name) SELECT id, id FROM unnest($1::text[]) id", [ids]);
  await pool.query(
    "INSERT INTO webhooks.endpoints (partner_id, url, secret) SELECT id, url, secret FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, url, secret)",
    [ids, ids.map(urlOf), ids.map(() => generateSecret())],
  );
  return ids;
}

/**
 * A backlog of `count` events spread round-robin over `partnerIds`, inserted through the real
 * outbox trigger (so each gets its delivery row and graphile-worker job), in chunks.
 */
export async function seedBacklog(pool: pg.Pool, partnerIds: string[], count: number): Promise<void> {
  const chunk = 10_000;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    await pool.query(
      `INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload)
       SELECT ($1::text[])[1 + i % cardinality($1::text[])], $2, 'txn_' || i, $3::jsonb FROM generate_series($4::int, $5::int) i`,
      [partnerIds, BENCH_EVENT_TYPE, JSON.stringify(BENCH_DATA), start, end],
    );
  }
}

/** `count` no-op graphile-worker jobs in one statement (the engine baseline's backlog). */
export async function seedNoopJobs(pool: pg.Pool, count: number): Promise<void> {
  await pool.query(
    `SELECT graphile_worker.add_jobs(ARRAY(
       SELECT ROW('bench_noop', json_build_object('i', i), NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec
       FROM generate_series(1, $1::int) i))`,
    [count],
  );
}

export async function countDeliveries(pool: pg.Pool, status: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhooks.deliveries WHERE status = $1", [status]);
  return rows[0]!.n;
}
