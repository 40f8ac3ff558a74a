import { z } from "zod";

export const DELIVER_WEBHOOK_TASK = "deliver_webhook";

/** What a deliver_webhook job carries; the attempt number makes a job that runs twice harmless. */
export const deliverWebhookPayload = z.object({
  deliveryId: z.string(),
  attempt: z.number().int().positive(),
  trigger: z.enum(["initial", "retry", "redeliver"]),
});

export type DeliverWebhookPayload = z.infer<typeof deliverWebhookPayload>;
