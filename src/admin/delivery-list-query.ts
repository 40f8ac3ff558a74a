import type { Kysely } from "kysely";
import type { Database, DeliveryStatus } from "../db/types.ts";
import { decodeCursor } from "./delivery-cursor.ts";

export interface DeliveryListFilter {
  partnerId?: string | undefined;
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
  subjectId?: string | undefined;
  eventId?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first by commit-ordered seq; fetches one extra row to know whether another page exists. */
export function listDeliveriesQuery(db: Kysely<Database>, filter: DeliveryListFilter) {
  let q = db.selectFrom("webhooks.deliveries").selectAll().orderBy("seq", "desc").limit(filter.limit + 1);
  if (filter.partnerId !== undefined) q = q.where("partner_id", "=", filter.partnerId);
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.eventType) q = q.where("event_type", "=", filter.eventType);
  if (filter.subjectId) q = q.where("subject_id", "=", filter.subjectId);
  if (filter.eventId) q = q.where("event_id", "=", filter.eventId);
  if (filter.since) q = q.where("created_at", ">=", filter.since);
  if (filter.until) q = q.where("created_at", "<", filter.until);
  if (filter.cursor) q = q.where("seq", "<", decodeCursor(filter.cursor));
  return q;
}
