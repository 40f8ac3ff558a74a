import { sql, type Kysely } from "kysely";
import type { Database } from "../db/types.ts";
import { DELIVER_WEBHOOK_TASK } from "./job-payload.ts";

// A replay touches at most this many deliveries in its one transaction; ask for a narrower range beyond.
export const MAX_REPLAY = 1000;

export type RedeliverResult = { outcome: "started"; attempt: number } | { outcome: "pending" } | { outcome: "not_found" };

/**
 * Starts a new attempt cycle now for a delivery that is not pending: attempt numbers continue, the
 * retry schedule restarts, the event id (webhook-id) stays. Records who asked. One transaction.
 */
export async function redeliver(db: Kysely<Database>, deliveryId: string, apiKeyId: string): Promise<RedeliverResult> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("webhooks.deliveries").select(["status", "attempt_count"]).where("id", "=", deliveryId).forUpdate().executeTakeFirst();
    if (!current) return { outcome: "not_found" };
    if (current.status === "pending") return { outcome: "pending" };
    const [count] = await restartCycles(trx, [deliveryId], "redeliver", apiKeyId);
    return count ? { outcome: "started", attempt: current.attempt_count + 1 } : { outcome: "pending" };
  });
}

export interface ReplayFilter {
  partnerId: string;
  since: Date;
  until: Date;
  status?: "succeeded" | "failed" | "skipped";
}

export type ReplayResult = { outcome: "started"; count: number } | { outcome: "too_many"; count: number };

/** Redelivers every non-pending delivery of a partner created in [since, until), in one transaction. */
export async function replay(db: Kysely<Database>, filter: ReplayFilter, apiKeyId: string): Promise<ReplayResult> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("webhooks.deliveries")
      .select("id")
      .where("partner_id", "=", filter.partnerId)
      .where("created_at", ">=", filter.since)
      .where("created_at", "<", filter.until)
      .where("status", "<>", "pending")
      .orderBy("created_at")
      .limit(MAX_REPLAY + 1)
      .forUpdate()
      .skipLocked();
    if (filter.status) query = query.where("status", "=", filter.status);
    const ids = (await query.execute()).map((row) => row.id);
    if (ids.length > MAX_REPLAY) return { outcome: "too_many", count: ids.length };
    const restarted = await restartCycles(trx, ids, "replay", apiKeyId);
    return { outcome: "started", count: restarted.length };
  });
}

/** Flips deliveries back to pending, audits the request and adds each first job: all in the caller's transaction. */
async function restartCycles(trx: Kysely<Database>, deliveryIds: string[], kind: "redeliver" | "replay", apiKeyId: string): Promise<string[]> {
  if (deliveryIds.length === 0) return [];
  const restarted = await trx
    .updateTable("webhooks.deliveries")
    .set({
      status: "pending",
      skip_reason: null,
      cycle_first_attempt: sql`attempt_count + 1`,
      next_attempt_at: sql`now()`,
      completed_at: null,
      updated_at: sql`now()`,
    })
    .where("id", "in", deliveryIds)
    .where("status", "<>", "pending")
    .returning(["id", "attempt_count"])
    .execute();
  if (restarted.length === 0) return [];
  await trx
    .insertInto("webhooks.redeliveries")
    .values(restarted.map((row) => ({ delivery_id: row.id, kind, api_key_id: apiKeyId, first_attempt: row.attempt_count + 1 })))
    .execute();
  const jobs = restarted.map((row) => ({
    identifier: DELIVER_WEBHOOK_TASK,
    payload: { deliveryId: row.id, attempt: row.attempt_count + 1, trigger: "redeliver" },
  }));
  // graphile_worker.add_jobs is SQL, so the jobs exist if and only if this transaction commits.
  await sql`SELECT graphile_worker.add_jobs(ARRAY(SELECT json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(jobs)}::json)))`.execute(trx);
  return restarted.map((row) => row.id);
}
