import { z } from "zod";
import { MAX_REPLAY, redeliver, replay } from "../delivery/redelivery.ts";
import { eventTypeSchema } from "../outbox/event-types.ts";
import type { AdminDeps } from "./admin-deps.ts";
import type { Principal } from "./api-key-store.ts";
import { assertPartnerAccess, canSeePartner, partnerScope } from "./auth.ts";
import { encodeCursor } from "./delivery-cursor.ts";
import { listDeliveriesQuery } from "./delivery-list-query.ts";
import { attemptSchema, deliveryStatusSchema, deliverySummarySchema, toAttempt, toDeliverySummary } from "./delivery-views.ts";
import { findPartner, partnerIdSchema } from "./partners.ts";
import { conflict, notFound, ProblemError } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";
import { partnerParams } from "./webhook-settings.ts";

const isoDate = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" }).transform((s) => new Date(s));

const listQuery = z
  .object({
    partnerId: partnerIdSchema.optional(),
    status: deliveryStatusSchema.optional(),
    eventType: eventTypeSchema.optional(),
    subjectId: z.string().min(1).max(200).optional(),
    eventId: z.string().min(1).max(100).optional(),
    since: isoDate.optional().meta({ description: "created at or after" }),
    until: isoDate.optional().meta({ description: "created before" }),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page" }),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, { path: ["until"], message: "must be after since" });

const deliveryParams = z.object({ deliveryId: z.string().min(1).max(100) });

const redeliveryAuditSchema = z.object({ kind: z.enum(["redeliver", "replay"]), requestedBy: z.string(), requestedAt: z.iso.datetime(), firstAttempt: z.number().int() });

const deliveryDetailSchema = deliverySummarySchema
  .extend({
    event: z.object({ id: z.string(), type: z.string(), subjectId: z.string(), data: z.unknown(), occurredAt: z.iso.datetime() }),
    attempts: z.array(attemptSchema),
    redeliveries: z.array(redeliveryAuditSchema),
  })
  .meta({ id: "DeliveryDetail" });

export async function findDelivery(deps: AdminDeps, deliveryId: string, principal: Principal) {
  const row = await deps.db.selectFrom("webhooks.deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirst();
  // Another partner's delivery answers exactly like a missing one.
  if (!row || !canSeePartner(principal, row.partner_id)) throw notFound(`delivery "${deliveryId}"`);
  return row;
}

export function deliveryRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "get",
    path: "/v1/deliveries",
    summary: "List deliveries",
    tag: "Deliveries",
    roles: ["admin", "support", "partner"],
    query: listQuery,
    responses: { 200: { description: "Newest first", schema: z.object({ data: z.array(deliverySummarySchema), nextCursor: z.string().nullable() }) } },
    handler: async ({ query, principal }) => {
      const partnerId = partnerScope(principal, query.partnerId);
      const rows = await listDeliveriesQuery(deps.db, { ...query, partnerId }).execute();
      const page = rows.slice(0, query.limit);
      const more = rows.length > query.limit;
      return { status: 200, body: { data: page.map(toDeliverySummary), nextCursor: more ? encodeCursor(page[page.length - 1]!.seq) : null } };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/deliveries/:deliveryId",
    summary: "Get a delivery with every attempt",
    tag: "Deliveries",
    roles: ["admin", "support", "partner"],
    params: deliveryParams,
    responses: { 200: { description: "The delivery, its event and its attempts, oldest attempt first", schema: deliveryDetailSchema }, 404: { description: "No such delivery" } },
    handler: async ({ params, principal }) => {
      const delivery = await findDelivery(deps, params.deliveryId, principal);
      const [event, attempts, redeliveries] = await Promise.all([
        deps.db.selectFrom("webhooks.outbox").selectAll().where("id", "=", delivery.event_id).executeTakeFirstOrThrow(),
        deps.db.selectFrom("webhooks.delivery_attempts").selectAll().where("delivery_id", "=", delivery.id).orderBy("attempt_number").execute(),
        deps.db.selectFrom("webhooks.redeliveries").selectAll().where("delivery_id", "=", delivery.id).orderBy("id").execute(),
      ]);
      return {
        status: 200,
        body: {
          ...toDeliverySummary(delivery),
          event: { id: event.id, type: event.event_type, subjectId: event.subject_id, data: event.payload, occurredAt: event.occurred_at.toISOString() },
          attempts: attempts.map(toAttempt),
          redeliveries: redeliveries.map((r) => ({ kind: r.kind, requestedBy: r.api_key_id, requestedAt: r.requested_at.toISOString(), firstAttempt: r.first_attempt })),
        },
      };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/deliveries/:deliveryId/redeliver",
    summary: "Redeliver a delivery",
    tag: "Deliveries",
    roles: ["admin", "support", "partner"],
    params: deliveryParams,
    responses: {
      202: { description: "A new attempt cycle starts now, with the same webhook-id", schema: z.object({ deliveryId: z.string(), eventId: z.string(), attempt: z.number().int() }) },
      404: { description: "No such delivery" },
      409: { description: "The delivery is pending: an attempt is already scheduled" },
    },
    handler: async ({ params, principal }) => {
      const delivery = await findDelivery(deps, params.deliveryId, principal);
      const result = await redeliver(deps.db, delivery.id, principal.keyId);
      if (result.outcome === "not_found") throw notFound(`delivery "${params.deliveryId}"`);
      if (result.outcome === "pending") throw conflict(`delivery "${delivery.id}" is pending: an attempt is already scheduled; redeliver once it has succeeded or failed`);
      deps.logger.info("redelivery requested", { deliveryId: delivery.id, eventId: delivery.event_id, partnerId: delivery.partner_id, attempt: result.attempt, apiKeyId: principal.keyId });
      return { status: 202, body: { deliveryId: delivery.id, eventId: delivery.event_id, attempt: result.attempt } };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/partners/:partnerId/replay",
    summary: "Replay a partner's deliveries in a time range",
    tag: "Deliveries",
    roles: ["admin", "support", "partner"],
    params: partnerParams,
    body: z
      .object({
        since: isoDate,
        until: isoDate,
        status: z.enum(["succeeded", "failed", "skipped"]).optional().meta({ description: "default: every delivery that is not pending" }),
      })
      .refine((b) => b.since < b.until, { path: ["until"], message: "must be after since" }),
    responses: {
      202: { description: "Every matching delivery (created in [since, until), not pending) starts a new attempt cycle", schema: z.object({ count: z.number().int() }) },
      404: { description: "No such partner" },
    },
    handler: async ({ params, body, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      await findPartner(deps, params.partnerId);
      const result = await replay(deps.db, { partnerId: params.partnerId, ...body }, principal.keyId);
      if (result.outcome === "too_many") {
        throw new ProblemError(422, "Unprocessable Content", `more than ${MAX_REPLAY} deliveries match; replay a narrower time range`, [
          { field: "body.since", message: `range matches more than ${MAX_REPLAY} deliveries` },
        ]);
      }
      deps.logger.info("replay requested", { partnerId: params.partnerId, count: result.count, apiKeyId: principal.keyId });
      return { status: 202, body: { count: result.count } };
    },
  });
}
