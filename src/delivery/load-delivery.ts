import { sql, type Kysely } from "kysely";
import type { Database } from "../db/types.ts";

/** Everything one attempt needs, read in one query. */
export async function loadDeliveryForAttempt(db: Kysely<Database>, deliveryId: string) {
  return db
    .selectFrom("webhooks.deliveries as d")
    .innerJoin("webhooks.outbox as e", "e.id", "d.event_id")
    .leftJoin("webhooks.endpoints as ep", "ep.partner_id", "d.partner_id")
    .select([
      "d.id as deliveryId",
      "d.status",
      "d.attempt_count as attemptCount",
      "d.cycle_first_attempt as cycleFirstAttempt",
      "e.id as eventId",
      "e.partner_id as partnerId",
      "e.event_type as eventType",
      // The payload as PostgreSQL renders it: JSON.parse in the driver would round numbers beyond 2^53.
      sql<string>`e.payload::text`.as("payloadJson"),
      "e.occurred_at as occurredAt",
      "ep.url",
      "ep.enabled",
      "ep.secret",
      "ep.previous_secret as previousSecret",
      "ep.previous_secret_expires_at as previousSecretExpiresAt",
    ])
    .where("d.id", "=", deliveryId)
    .executeTakeFirst();
}

export type DeliveryForAttempt = NonNullable<Awaited<ReturnType<typeof loadDeliveryForAttempt>>>;
