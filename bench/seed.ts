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
 * A backlog of `count` pending events spread round-robin over `partnerIds`: the rows and jobs the
 * outbox trigger would create, written set-based (the per-row trigger is the write-path scenario's
 * subject; here it would only make seeding 100k events take a minute).
 */
export async function seedBacklog(pool: pg.Pool, partnerIds: string[], count: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("ALTER TABLE webhooks.outbox DISABLE TRIGGER outbox_create_delivery");
    await client.query(
      `INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload)
       SELECT ($1::text[])[1 + i % cardinality($1::text[])], $2, 'txn_' || i, $3::jsonb FROM generate_series(1, $4::int) i`,
      [partnerIds, BENCH_EVENT_TYPE, JSON.stringify(BENCH_DATA), count],
    );
    await client.query("ALTER TABLE webhooks.outbox ENABLE TRIGGER outbox_create_delivery");
    await client.query(
      `INSERT INTO webhooks.deliveries (event_id, partner_id, event_type, subject_id, status, next_attempt_at)
       SELECT id, partner_id, event_type, subject_id, 'pending', now() FROM webhooks.outbox ORDER BY created_at, id`,
    );
    await client.query(
      `SELECT graphile_worker.add_jobs(ARRAY(
         SELECT ROW('deliver_webhook', json_build_object('deliveryId', id, 'attempt', 1, 'trigger', 'initial'), NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec
         FROM webhooks.deliveries WHERE status = 'pending' ORDER BY id))`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
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
