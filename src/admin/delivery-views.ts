import { z } from "zod";
import type { Delivery, DeliveryAttempt } from "../db/types.ts";

/** JSON shapes of deliveries and attempts, shared by the delivery and event routes. */
export const deliveryStatusSchema = z.enum(["pending", "succeeded", "failed", "skipped"]);

export const deliverySummarySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    partnerId: z.string(),
    eventType: z.string(),
    subjectId: z.string(),
    status: deliveryStatusSchema,
    skipReason: z.string().nullable(),
    attemptCount: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastResponseStatus: z.number().int().nullable(),
    lastErrorCode: z.string().nullable(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "DeliverySummary" });

export const attemptSchema = z
  .object({
    attemptNumber: z.number().int(),
    trigger: z.enum(["initial", "retry", "redeliver"]),
    startedAt: z.iso.datetime(),
    durationMs: z.number().int(),
    url: z.string(),
    responseStatus: z.number().int().nullable(),
    responseHeaders: z.record(z.string(), z.string()).nullable(),
    responseBody: z.string().nullable().meta({ description: "first 8 KiB" }),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    nextAttemptAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "DeliveryAttempt" });

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toDeliverySummary(row: Delivery): z.infer<typeof deliverySummarySchema> {
  return {
    id: row.id,
    eventId: row.event_id,
    partnerId: row.partner_id,
    eventType: row.event_type,
    subjectId: row.subject_id,
    status: row.status,
    skipReason: row.skip_reason,
    attemptCount: row.attempt_count,
    nextAttemptAt: iso(row.next_attempt_at),
    lastResponseStatus: row.last_response_status,
    lastErrorCode: row.last_error_code,
    createdAt: row.created_at.toISOString(),
    completedAt: iso(row.completed_at),
  };
}

export function toAttempt(row: DeliveryAttempt): z.infer<typeof attemptSchema> {
  return {
    attemptNumber: row.attempt_number,
    trigger: row.trigger,
    startedAt: row.started_at.toISOString(),
    durationMs: row.duration_ms,
    url: row.url,
    responseStatus: row.response_status,
    responseHeaders: row.response_headers,
    responseBody: row.response_body,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    nextAttemptAt: iso(row.next_attempt_at),
  };
}
