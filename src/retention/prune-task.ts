import { parseCronItems, type Task } from "graphile-worker";
import type { Kysely } from "kysely";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import { pruneOldDeliveries } from "./prune-old-deliveries.ts";

export const PRUNE_TASK = "prune_old_deliveries";

// graphile-worker's cron schedules each run once across all worker processes; the queue runs them
// one at a time; no backfill: a missed run is covered by the next one.
export const retentionCronItems = parseCronItems([
  {
    task: PRUNE_TASK,
    match: "*/10 * * * *",
    identifier: PRUNE_TASK,
    options: { backfillPeriod: 0, maxAttempts: 3, queueName: "webhooks_retention" },
  },
]);

export function createPruneTask(deps: { db: Kysely<Database>; retentionDays: number; logger: Logger }): Task {
  return async () => {
    const result = await pruneOldDeliveries(deps.db, deps.retentionDays);
    if (result.events > 0 || result.attempts > 0) {
      deps.logger.info("pruned old deliveries", { ...result, retentionDays: deps.retentionDays });
    }
  };
}
