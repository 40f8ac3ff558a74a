import { sql } from "kysely";
import { z } from "zod";
import type { AdminDeps } from "./admin-deps.ts";
import { createApiKey } from "./api-key-store.ts";
import { partnerIdSchema } from "./partners.ts";
import { notFound, ProblemError } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";

const roleSchema = z.enum(["admin", "support", "partner"]);

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    partnerId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiKey" });

const createApiKeyBody = z
  .object({ name: z.string().trim().min(1, "name is required").max(200), role: roleSchema, partnerId: partnerIdSchema.optional() })
  .superRefine((body, ctx) => {
    if (body.role === "partner" && !body.partnerId) ctx.addIssue({ code: "custom", path: ["partnerId"], message: "is required for role partner" });
    if (body.role !== "partner" && body.partnerId) ctx.addIssue({ code: "custom", path: ["partnerId"], message: `must be omitted for role ${body.role}` });
  });

export function apiKeyRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "post",
    path: "/v1/api-keys",
    summary: "Create an API key",
    tag: "API keys",
    roles: ["admin"],
    body: createApiKeyBody,
    responses: { 201: { description: "Created; `key` is shown only in this response", schema: apiKeySchema.extend({ key: z.string() }) } },
    handler: async ({ body }) => {
      if (body.partnerId) {
        const partner = await deps.db.selectFrom("webhooks.partners").select("id").where("id", "=", body.partnerId).executeTakeFirst();
        if (!partner) throw new ProblemError(422, "Unprocessable Content", `partner "${body.partnerId}" does not exist`, [{ field: "body.partnerId", message: "unknown partner" }]);
      }
      const created = await createApiKey(deps.db, { name: body.name, role: body.role, partnerId: body.partnerId ?? null });
      return { status: 201, body: { ...created, createdAt: created.createdAt.toISOString(), revokedAt: null } };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/api-keys",
    summary: "List API keys",
    tag: "API keys",
    roles: ["admin"],
    responses: { 200: { description: "Every key, without the key itself", schema: z.object({ data: z.array(apiKeySchema) }) } },
    handler: async () => {
      const rows = await deps.db.selectFrom("webhooks.api_keys").select(["id", "name", "role", "partner_id", "created_at", "revoked_at"]).orderBy("created_at").execute();
      return {
        status: 200,
        body: { data: rows.map((r) => ({ id: r.id, name: r.name, role: r.role, partnerId: r.partner_id, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null })) },
      };
    },
  });

  routes.add({
    method: "delete",
    path: "/v1/api-keys/:keyId",
    summary: "Revoke an API key",
    tag: "API keys",
    roles: ["admin"],
    params: z.object({ keyId: z.string().max(100) }),
    responses: { 204: { description: "Revoked; the key stops working at once" }, 404: { description: "No such key" } },
    handler: async ({ params }) => {
      const row = await deps.db
        .updateTable("webhooks.api_keys")
        .set({ revoked_at: sql`coalesce(revoked_at, now())` })
        .where("id", "=", params.keyId)
        .returning("id")
        .executeTakeFirst();
      if (!row) throw notFound(`API key "${params.keyId}"`);
      return { status: 204 };
    },
  });
}
