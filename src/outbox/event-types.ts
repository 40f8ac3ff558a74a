import { z } from "zod";

/** The payload (`data`) of each event type; the single source for validation, types and docs. */
export const kycStatusUpdatedData = z.looseObject({
  status: z.enum(["pending", "in_review", "approved", "rejected", "expired"]),
  reason: z.string().max(1000).optional(),
});

export const transactionStatusUpdatedData = z.looseObject({
  status: z.enum(["pending", "processing", "completed", "failed", "reversed", "cancelled"]),
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, "must be a decimal string, e.g. \"12.50\"").optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code, e.g. \"EUR\"").optional(),
});

export const webhookTestData = z.looseObject({
  message: z.string().max(1000).optional(),
});

export const eventDataSchemas = {
  "kyc.status_updated": kycStatusUpdatedData,
  "transaction.status_updated": transactionStatusUpdatedData,
  "webhook.test": webhookTestData,
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as [EventType, ...EventType[]];
export const eventTypeSchema = z.enum(EVENT_TYPES);

export type EventData<T extends EventType> = z.input<(typeof eventDataSchemas)[T]>;
