import { sql, type Kysely } from "kysely";
import type { AttemptTrigger, Database } from "../db/types.ts";
import type { SendResult } from "./http-sender.ts";
import { addDeliveryJob, type DeliverWebhookPayload } from "./job-payload.ts";
import { delayAfterFailedAttempt } from "./retry-schedule.ts";

export interface AttemptOutcome {
  deliveryId: string;
  partnerId: string;
  attempt: number;
  cycleFirstAttempt: number;
  trigger: AttemptTrigger;
  url: string;
  startedAt: Date;
  result: SendResult;
}

export type RecordedStatus = "succeeded" | "pending" | "failed";

/**
 * In ONE transaction: the delivery moves on, the attempt row is written and, when attempts are
 * left, the next job is added with run_at = end of this attempt + the scheduled delay. Returns null
 * when this attempt was already recorded (the job ran twice), and changes nothing then.
 */
export async function recordAttempt(
  db: Kysely<Database>,
  retryScheduleMs: readonly number[],
  outcome: AttemptOutcome,
): Promise<{ status: RecordedStatus; nextAttemptAt: Date | null } | null> {
  const { result } = outcome;
  const delayMs = result.succeeded ? null : delayAfterFailedAttempt(retryScheduleMs, outcome.attempt - outcome.cycleFirstAttempt + 1);
  const status: RecordedStatus = result.succeeded ? "succeeded" : delayMs === null ? "failed" : "pending";

  return db.transaction().execute(async (trx) => {
    // Guarded on the attempt count, so a second run of the same job finds nothing to update.
    const updated = await trx
      .updateTable("webhooks.deliveries")
      .set({
        status,
        attempt_count: outcome.attempt,
        last_response_status: result.responseStatus,
        last_error_code: result.errorCode,
        next_attempt_at: delayMs === null ? null : sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
        completed_at: status === "pending" ? null : sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where("id", "=", outcome.deliveryId)
      .where("status", "=", "pending")
      .where("attempt_count", "=", outcome.attempt - 1)
      .returning("next_attempt_at")
      .executeTakeFirst();
    if (!updated) return null;

    await trx
      .insertInto("webhooks.delivery_attempts")
      .values({
        delivery_id: outcome.deliveryId,
        attempt_number: outcome.attempt,
        trigger: outcome.trigger,
        started_at: outcome.startedAt,
        duration_ms: result.durationMs,
        url: outcome.url,
        response_status: result.responseStatus,
        response_headers: result.responseHeaders === null ? null : JSON.stringify(result.responseHeaders),
        response_body: result.responseBody,
        error_code: result.errorCode,
        error_message: result.errorMessage,
        next_attempt_at: updated.next_attempt_at,
      })
      .execute();

    if (updated.next_attempt_at !== null) {
      const next: DeliverWebhookPayload = { deliveryId: outcome.deliveryId, attempt: outcome.attempt + 1, trigger: "retry" };
      // graphile_worker.add_job is SQL, so the retry exists if and only if this attempt is recorded.
      await addDeliveryJob(trx, next, outcome.partnerId, updated.next_attempt_at);
    }
    return { status, nextAttemptAt: updated.next_attempt_at };
  });
}

/** The endpoint vanished or was disabled while the delivery waited: record it as skipped, redeliverable later. */
export async function markSkipped(db: Kysely<Database>, deliveryId: string, attempt: number, reason: "no_endpoint" | "endpoint_disabled") {
  await db
    .updateTable("webhooks.deliveries")
    .set({ status: "skipped", skip_reason: reason, next_attempt_at: null, completed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where("id", "=", deliveryId)
    .where("status", "=", "pending")
    .where("attempt_count", "=", attempt - 1)
    .execute();
}
