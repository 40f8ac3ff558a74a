import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../db/types.ts";
import { partnerFlag } from "./partner-slots.ts";

export const DELIVER_WEBHOOK_TASK = "deliver_webhook";

/** What a deliver_webhook job carries; the attempt number makes a job that runs twice harmless. */
export const deliverWebhookPayload = z.object({
  deliveryId: z.string(),
  attempt: z.number().int().positive(),
  trigger: z.enum(["initial", "retry", "redeliver"]),
});

export type DeliverWebhookPayload = z.infer<typeof deliverWebhookPayload>;

/** Adds a deliver_webhook job in the executor's transaction (graphile_worker.add_job is SQL), flagged with its partner. */
export async function addDeliveryJob(executor: Kysely<Database>, payload: DeliverWebhookPayload, partnerId: string, runAt: Date): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${DELIVER_WEBHOOK_TASK}, ${JSON.stringify(payload)}::json, run_at => ${runAt}::timestamptz, flags => ARRAY[${partnerFlag(partnerId)}])`.execute(executor);
}
