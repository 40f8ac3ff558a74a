import { sql } from "kysely";
import { z } from "zod";
import { hostResolutionProblem, webhookUrlProblem } from "../delivery/address-policy.ts";
import { generateSecret } from "../delivery/signing.ts";
import type { Endpoint } from "../db/types.ts";
import type { AdminDeps } from "./admin-deps.ts";
import { assertPartnerAccess } from "./auth.ts";
import { findPartner, partnerIdSchema } from "./partners.ts";
import { notFound, ProblemError } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";

// After a rotation the previous secret keeps signing (as a second signature) for this long.
const PREVIOUS_SECRET_OVERLAP = "24 hours";

export const subscribableEventTypeSchema = z.enum(["kyc.status_updated", "transaction.status_updated"]);

const webhookSettingsSchema = z
  .object({
    partnerId: z.string(),
    url: z.string(),
    enabled: z.boolean(),
    eventTypes: z.array(subscribableEventTypeSchema).nullable().meta({ description: "null: every event type" }),
    previousSecretExpiresAt: z.iso.datetime().nullable().meta({ description: "until when the pre-rotation secret still signs" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "WebhookSettings" });

const setWebhookBody = z.object({
  url: z.string().trim().min(1, "url is required").max(2048),
  enabled: z.boolean().optional().meta({ description: "default true on creation; omitted on update keeps the current value" }),
  eventTypes: z
    .array(subscribableEventTypeSchema)
    .min(1, "list at least one type, or send null for all")
    .nullable()
    .optional()
    .meta({ description: "null for all types; omitted on update keeps the current value" }),
});

export const partnerParams = z.object({ partnerId: partnerIdSchema });

function toSettings(row: Endpoint) {
  const rotationActive = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > new Date();
  return {
    partnerId: row.partner_id,
    url: row.url,
    enabled: row.enabled,
    eventTypes: row.event_types as z.infer<typeof subscribableEventTypeSchema>[] | null,
    previousSecretExpiresAt: rotationActive ? row.previous_secret_expires_at!.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function checkUrl(deps: AdminDeps, url: string): Promise<void> {
  const allow = deps.config.allowPrivateUrls;
  const problem = webhookUrlProblem(url, allow) ?? (allow ? null : await hostResolutionProblem(new URL(url).hostname, deps.resolve));
  if (problem) throw new ProblemError(422, "Unprocessable Content", `url refused: ${problem.message}`, [{ field: "body.url", message: problem.message }]);
}

export async function findEndpoint(deps: AdminDeps, partnerId: string): Promise<Endpoint> {
  const row = await deps.db.selectFrom("webhooks.endpoints").selectAll().where("partner_id", "=", partnerId).executeTakeFirst();
  if (!row) throw notFound(`webhook settings of partner "${partnerId}"`);
  return row;
}

export function webhookSettingsRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "put",
    path: "/v1/partners/:partnerId/webhook",
    summary: "Set webhook settings",
    tag: "Webhook settings",
    roles: ["admin", "partner"],
    params: partnerParams,
    body: setWebhookBody,
    responses: {
      200: { description: "Updated", schema: webhookSettingsSchema },
      201: { description: "Created; `secret` is shown only in this response", schema: webhookSettingsSchema.extend({ secret: z.string() }) },
      404: { description: "No such partner" },
    },
    handler: async ({ params, body, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      await findPartner(deps, params.partnerId);
      await checkUrl(deps, body.url);
      const row = await deps.db
        .insertInto("webhooks.endpoints")
        .values({
          partner_id: params.partnerId,
          url: body.url,
          enabled: body.enabled ?? true,
          event_types: body.eventTypes ?? null,
          secret: generateSecret(),
        })
        .onConflict((oc) =>
          oc.column("partner_id").doUpdateSet({
            url: body.url,
            ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
            ...(body.eventTypes === undefined ? {} : { event_types: body.eventTypes }),
            updated_at: sql`now()`,
          }),
        )
        .returningAll()
        // xmax = 0 only on a freshly inserted row: that is when the secret is shown.
        .returning(sql<boolean>`xmax = 0`.as("created"))
        .executeTakeFirstOrThrow();
      const settings = toSettings(row);
      return row.created ? { status: 201, body: { ...settings, secret: row.secret } } : { status: 200, body: settings };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/partners/:partnerId/webhook",
    summary: "Get webhook settings",
    tag: "Webhook settings",
    roles: ["admin", "support", "partner"],
    params: partnerParams,
    responses: { 200: { description: "The settings (never the secret)", schema: webhookSettingsSchema }, 404: { description: "No such partner or no settings" } },
    handler: async ({ params, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      return { status: 200, body: toSettings(await findEndpoint(deps, params.partnerId)) };
    },
  });

  routes.add({
    method: "delete",
    path: "/v1/partners/:partnerId/webhook",
    summary: "Remove webhook settings",
    tag: "Webhook settings",
    roles: ["admin", "partner"],
    params: partnerParams,
    responses: { 204: { description: "Removed; new and pending deliveries are recorded as skipped (no_endpoint)" }, 404: { description: "No such partner or no settings" } },
    handler: async ({ params, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      const row = await deps.db.deleteFrom("webhooks.endpoints").where("partner_id", "=", params.partnerId).returning("partner_id").executeTakeFirst();
      if (!row) throw notFound(`webhook settings of partner "${params.partnerId}"`);
      return { status: 204 };
    },
  });

  routes.add({
    method: "post",
    path: "/v1/partners/:partnerId/webhook/secret/rotate",
    summary: "Rotate the signing secret",
    tag: "Webhook settings",
    roles: ["admin", "partner"],
    params: partnerParams,
    responses: {
      200: {
        description: "The new secret, shown only here; the previous one keeps signing for 24 h",
        schema: z.object({ secret: z.string(), previousSecretExpiresAt: z.iso.datetime() }),
      },
      404: { description: "No such partner or no settings" },
    },
    handler: async ({ params, principal }) => {
      assertPartnerAccess(principal, params.partnerId);
      const row = await deps.db
        .updateTable("webhooks.endpoints")
        .set({
          previous_secret: sql`secret`,
          previous_secret_expires_at: sql`now() + ${PREVIOUS_SECRET_OVERLAP}::interval`,
          secret: generateSecret(),
          updated_at: sql`now()`,
        })
        .where("partner_id", "=", params.partnerId)
        .returning(["secret", "previous_secret_expires_at"])
        .executeTakeFirst();
      if (!row) throw notFound(`webhook settings of partner "${params.partnerId}"`);
      return { status: 200, body: { secret: row.secret, previousSecretExpiresAt: row.previous_secret_expires_at!.toISOString() } };
    },
  });
}
