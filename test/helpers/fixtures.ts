import type { Kysely } from "kysely";
import type { Database } from "../../src/db/types.ts";
import { generateSecret } from "../../src/delivery/signing.ts";

export async function createPartner(db: Kysely<Database>, id: string, name = `Partner ${id}`): Promise<void> {
  await db.insertInto("webhooks.partners").values({ id, name }).execute();
}

export interface EndpointOptions {
  enabled?: boolean;
  eventTypes?: string[] | null;
}

/** Sets the partner's endpoint directly in the database and returns its signing secret. */
export async function setEndpoint(db: Kysely<Database>, partnerId: string, url: string, options: EndpointOptions = {}): Promise<string> {
  const secret = generateSecret();
  await db
    .insertInto("webhooks.endpoints")
    .values({ partner_id: partnerId, url, secret, enabled: options.enabled ?? true, event_types: options.eventTypes ?? null })
    .onConflict((oc) =>
      oc.column("partner_id").doUpdateSet({ url, secret, enabled: options.enabled ?? true, event_types: options.eventTypes ?? null }),
    )
    .execute();
  return secret;
}

export async function deliveryOf(db: Kysely<Database>, deliveryId: string) {
  return db.selectFrom("webhooks.deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirstOrThrow();
}

export async function attemptsOf(db: Kysely<Database>, deliveryId: string) {
  return db.selectFrom("webhooks.delivery_attempts").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempt_number").execute();
}
