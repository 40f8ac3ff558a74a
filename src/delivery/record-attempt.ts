import { sql, type Kysely } from "kysely";
import type { AttemptTrigger, Database } from "../db/types.ts";
import type { SendResult } from "./http-sender.ts";
import { DELIVER_WEBHOOK_TASK, type DeliverWebhookPayload } from "./job-payload.ts";
import { partnerFlag } from "./partner-slots.ts";
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
 * One statement (data-modifying CTEs) is one implicit transaction and one round trip instead of five.
 */
export async function recordAttempt(
  db: Kysely<Database>,
  retryScheduleMs: readonly number[],
  outcome: AttemptOutcome,
): Promise<{ status: RecordedStatus; nextAttemptAt: Date | null } | null> {
  const { result } = outcome;
  const delayMs = result.succeeded ? null : delayAfterFailedAttempt(retryScheduleMs, outcome.attempt - outcome.cycleFirstAttempt + 1);
  const status: RecordedStatus = result.succeeded ? "succeeded" : delayMs === null ? "failed" : "pending";
  const next: DeliverWebhookPayload = { deliveryId: outcome.deliveryId, attempt: outcome.attempt + 1, trigger: "retry" };

  const row = await db
    // Guarded on the attempt count, so a second run of the same job finds nothing to update.
    .with("updated", (qb) =>
      qb
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
        .returning(["id", "next_attempt_at"]),
    )
    .with("attempt", (qb) =>
      qb
        .insertInto("webhooks.delivery_attempts")
        .columns([
          "delivery_id", "attempt_number", "trigger", "started_at", "duration_ms", "url", "response_status",
          "response_headers", "response_body", "error_code", "error_message", "next_attempt_at",
        ])
        .expression((eb) =>
          eb
            .selectFrom("updated")
            .select([
              "updated.id",
              sql<number>`${outcome.attempt}::int`.as("attempt_number"),
              sql<string>`${outcome.trigger}::text`.as("trigger"),
              sql<Date>`${outcome.startedAt}::timestamptz`.as("started_at"),
              sql<number>`${result.durationMs}::int`.as("duration_ms"),
              sql<string>`${outcome.url}::text`.as("url"),
              sql<number | null>`${result.responseStatus}::int`.as("response_status"),
              sql<string | null>`${result.responseHeaders === null ? null : JSON.stringify(result.responseHeaders)}::jsonb`.as("response_headers"),
              sql<string | null>`${result.responseBody}::text`.as("response_body"),
              sql<string | null>`${result.errorCode}::text`.as("error_code"),
              sql<string | null>`${result.errorMessage}::text`.as("error_message"),
              "updated.next_attempt_at",
            ]),
        ),
    )
    .selectFrom("updated")
    .select((s) => [
      "updated.next_attempt_at",
      // graphile_worker.add_job is SQL, so the retry exists if and only if this attempt is recorded.
      s
        .case()
        .when("updated.next_attempt_at", "is not", null)
        .then(sql<string>`(graphile_worker.add_job(${DELIVER_WEBHOOK_TASK}, ${JSON.stringify(next)}::json, run_at => updated.next_attempt_at, flags => ARRAY[${partnerFlag(outcome.partnerId)}])).id::text`)
        .end()
        .as("next_job_id"),
    ])
    .executeTakeFirst();
  if (!row) return null;
  return { status, nextAttemptAt: row.next_attempt_at };
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
