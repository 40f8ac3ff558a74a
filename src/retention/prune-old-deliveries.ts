import { sql, type Kysely } from "kysely";
import type { Database } from "../db/types.ts";

export interface PruneLimits {
  /** Rows per DELETE statement, so each statement holds its locks only briefly. */
  batchSize: number;
  /** Statements per table per run, so one run has a bounded duration; the next run continues. */
  maxBatches: number;
}

export interface PruneResult {
  events: number;
  attempts: number;
  /** false when maxBatches stopped a table with old rows left. */
  complete: boolean;
}

export const DEFAULT_PRUNE_LIMITS: PruneLimits = { batchSize: 1000, maxBatches: 500 };

async function inBatches(limits: PruneLimits, deleteBatch: () => Promise<bigint>): Promise<{ rows: number; complete: boolean }> {
  let rows = 0;
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const deleted = Number(await deleteBatch());
    rows += deleted;
    if (deleted < limits.batchSize) return { rows, complete: true };
  }
  return { rows, complete: false };
}

/**
 * Deletes events whose delivery finished (succeeded, failed, skipped) more than `retentionDays` ago,
 * with their delivery and attempts, then attempts older than that of any delivery that is not pending.
 * Pending deliveries and their attempts are never touched; rows locked by a running delivery are skipped.
 */
export async function pruneOldDeliveries(
  db: Kysely<Database>,
  retentionDays: number,
  limits: PruneLimits = DEFAULT_PRUNE_LIMITS,
): Promise<PruneResult> {
  const cutoff = sql<Date>`now() - make_interval(days => ${retentionDays})`;

  // Deleting the event removes its delivery and attempts too (ON DELETE CASCADE).
  const events = await inBatches(limits, async () => {
    const result = await db
      .deleteFrom("webhooks.outbox")
      .where("id", "in", (qb) =>
        qb
          .selectFrom("webhooks.deliveries")
          .select("event_id")
          .where("status", "<>", "pending")
          .where("completed_at", "<", cutoff)
          .limit(limits.batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  // Old attempts of deliveries kept because a later redelivery finished recently.
  const attempts = await inBatches(limits, async () => {
    const result = await db
      .deleteFrom("webhooks.delivery_attempts")
      .where("id", "in", (qb) =>
        qb
          .selectFrom("webhooks.delivery_attempts as a")
          .innerJoin("webhooks.deliveries as d", "d.id", "a.delivery_id")
          .select("a.id")
          .where("a.started_at", "<", cutoff)
          .where("d.status", "<>", "pending")
          .limit(limits.batchSize)
          .forUpdate("d")
          .skipLocked(),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });

  return { events: events.rows, attempts: attempts.rows, complete: events.complete && attempts.complete };
}
