import { z } from "zod";
import type { AdminDeps } from "./admin-deps.ts";
import { deliverySummarySchema, toDeliverySummary } from "./delivery-views.ts";
import { canSeePartner } from "./auth.ts";
import { notFound } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";

const eventSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    type: z.string(),
    subjectId: z.string(),
    data: z.unknown(),
    idempotencyKey: z.string(),
    occurredAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
    delivery: deliverySummarySchema,
  })
  .meta({ id: "Event" });

export function eventRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "get",
    path: "/v1/events/:eventId",
    summary: "Get an event and its delivery",
    tag: "Events",
    roles: ["admin", "support", "partner"],
    params: z.object({ eventId: z.string().min(1).max(100) }),
    responses: { 200: { description: "The event", schema: eventSchema }, 404: { description: "No such event" } },
    handler: async ({ params, principal }) => {
      const event = await deps.db.selectFrom("webhooks.outbox").selectAll().where("id", "=", params.eventId).executeTakeFirst();
      // Another partner's event answers exactly like a missing one.
      if (!event || !canSeePartner(principal, event.partner_id)) throw notFound(`event "${params.eventId}"`);
      const delivery = await deps.db.selectFrom("webhooks.deliveries").selectAll().where("event_id", "=", event.id).executeTakeFirstOrThrow();
      return {
        status: 200,
        body: {
          id: event.id,
          partnerId: event.partner_id,
          type: event.event_type,
          subjectId: event.subject_id,
          data: event.payload,
          idempotencyKey: event.idempotency_key,
          occurredAt: event.occurred_at.toISOString(),
          createdAt: event.created_at.toISOString(),
          delivery: toDeliverySummary(delivery),
        },
      };
    },
  });
}
