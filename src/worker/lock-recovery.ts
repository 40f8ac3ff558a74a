import { hostname } from "node:os";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/types.ts";

// graphile-worker unlocks jobs of a crashed process only after a fixed 4 hours. Each of our worker
// processes records a heartbeat; any live one unlocks jobs held by a process whose heartbeat has
// been silent for STALE_FACTOR intervals, so an interrupted delivery runs again within about
// (STALE_FACTOR + 1) × interval + pollInterval.
export const STALE_FACTOR = 3;

export async function beat(db: Kysely<Database>, workerPoolId: string): Promise<void> {
  await db
    .insertInto("webhooks.worker_heartbeats")
    .values({ worker_pool_id: workerPoolId, hostname: hostname(), pid: process.pid })
    .onConflict((oc) => oc.column("worker_pool_id").doUpdateSet({ last_seen_at: sql`now()` }))
    .execute();
}

/**
 * For a worker pool that has stopped (no job of it is running any more): drops its heartbeat and
 * unlocks any job it left locked, e.g. one whose completion could not be written.
 */
export async function forgetWorker(db: Kysely<Database>, workerPoolId: string): Promise<void> {
  await sql`SELECT graphile_worker.force_unlock_workers(${[workerPoolId]}::text[])`.execute(db);
  await db.deleteFrom("webhooks.worker_heartbeats").where("worker_pool_id", "=", workerPoolId).execute();
}

/**
 * Unlocks jobs locked longer than the stale window by worker pools that have not beaten within it,
 * and returns those pools' ids. A live pool beats every interval, so its jobs (however long they
 * run) are never touched. Raw SQL: graphile-worker's job table is not part of our Kysely schema.
 */
export async function unlockJobsOfDeadWorkers(db: Kysely<Database>, heartbeatMs: number): Promise<string[]> {
  const staleSeconds = (heartbeatMs * STALE_FACTOR) / 1000;
  const { rows } = await sql<{ locked_by: string }>`
    SELECT DISTINCT j.locked_by
    FROM graphile_worker._private_jobs j
    WHERE j.locked_by IS NOT NULL
      AND j.locked_at < now() - make_interval(secs => ${staleSeconds})
      AND NOT EXISTS (
        SELECT 1 FROM webhooks.worker_heartbeats h
        WHERE h.worker_pool_id = j.locked_by AND h.last_seen_at > now() - make_interval(secs => ${staleSeconds})
      )`.execute(db);
  const dead = rows.map((row) => row.locked_by);
  if (dead.length > 0) {
    await sql`SELECT graphile_worker.force_unlock_workers(${dead}::text[])`.execute(db);
  }
  await db
    .deleteFrom("webhooks.worker_heartbeats")
    .where("last_seen_at", "<", sql<Date>`now() - interval '1 day'`)
    .execute();
  return dead;
}
