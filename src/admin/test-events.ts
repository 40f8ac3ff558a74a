import { randomUUID } from "node:crypto";
import { z } from "zod";
import { enqueueEvent, OutboxInputError } from "../outbox/index.ts";
import { kycStatusUpdatedData, transactionStatusUpdatedData } from "../outbox/event-types.ts";
import type { AdminDeps } from "./admin-deps.ts";
import { assertPartnerAccess } from "./auth.ts";
import { findPartner } from "./partners.ts";
import { conflict, ProblemError } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";
import { partnerParams } from "./webhook-settings.ts";

const enqueuedSchema = z.object({ eventId: z.string(), deliveryId: z.string() });

const mockEventBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("kyc.status_updated"), subjectId: z.string().min(1).max(200), data: kycStatusUpdatedData }),
  z.object({ type: z.literal("transaction.status_updated"), subjectId: z.string().min(1).max(200), data: transactionStatusUpdatedData }),
]);

/** Pings and staging mock events: both go through the same outbox insert as production events. */
export function testEventRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  const enqueue = async (input: Parameters<typeof enqueueEvent>[1]) => {
    try {
      return await deps.db.transaction().execute((trx) => enqueueEvent(trx, input));
    } catch (error) {
      if (error instanceof OutboxInputError) throw new ProblemError(422, "Unprocessable Content", error.message);
      throw error;
    }
  };

  routes.add({
    method: "post",
    path: "/v1/partners/:partnerId/webhook/test",
    summary: "Send a test event",
    tag: "Webhook settings",
    roles: ["admin", "partner"],
    params: partnerParams,
    responses: {
      202: { description: "A webhook.test event is on its way through the normal pipeline", schema: enqueuedSchema },
      404: { description: "No such partner" },
      409: { description: "The partner has no webhook URL yet" },
    },
    handler: async ({ params, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      await findPartner(deps, params.partnerId);
      const endpoint = await deps.db.selectFrom("webhooks.endpoints").select("partner_id").where("partner_id", "=", params.partnerId).executeTakeFirst();
      if (!endpoint) throw conflict(`partner "${params.partnerId}" has no webhook URL; set one with PUT /v1/partners/${params.partnerId}/webhook first`);
      const { eventId, deliveryId } = await enqueue({
        partnerId: params.partnerId,
        type: "webhook.test",
        subjectId: params.partnerId,
        data: { message: "Test event from webhook-outbox" },
        idempotencyKey: `test-${randomUUID()}`,
      });
      return { status: 202, body: { eventId, deliveryId } };
    },
  });

  if (deps.config.appEnv === "production") return;
  routes.add({
    method: "post",
    path: "/v1/partners/:partnerId/mock-events",
    summary: "Create a mock event (not in production)",
    tag: "Webhook settings",
    roles: ["admin", "partner"],
    params: partnerParams,
    body: mockEventBody,
    responses: { 202: { description: "The mock event is on its way", schema: enqueuedSchema }, 404: { description: "No such partner, or APP_ENV is production" } },
    handler: async ({ params, body, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      await findPartner(deps, params.partnerId);
      const { eventId, deliveryId } = await enqueue({ partnerId: params.partnerId, type: body.type, subjectId: body.subjectId, data: body.data, idempotencyKey: `mock-${randomUUID()}` });
      return { status: 202, body: { eventId, deliveryId } };
    },
  });
}
