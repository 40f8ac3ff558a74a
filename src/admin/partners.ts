import { z } from "zod";
import type { AdminDeps } from "./admin-deps.ts";
import { conflict, notFound } from "./problem.ts";
import type { ApiRoutes } from "./route.ts";

export const partnerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, '_', '.' or '-'")
  .meta({ example: "ptn_acme" });

const partnerSchema = z
  .object({ id: partnerIdSchema, name: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: "Partner" });

const toPartner = (row: { id: string; name: string; created_at: Date }) => ({ id: row.id, name: row.name, createdAt: row.created_at.toISOString() });

export async function findPartner(deps: AdminDeps, partnerId: string) {
  const row = await deps.db.selectFrom("webhooks.partners").selectAll().where("id", "=", partnerId).executeTakeFirst();
  if (!row) throw notFound(`partner "${partnerId}"`);
  return row;
}

export function partnerRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "post",
    path: "/v1/partners",
    summary: "Create a partner",
    tag: "Partners",
    roles: ["admin"],
    body: z.object({ id: partnerIdSchema.optional(), name: z.string().trim().min(1, "name is required").max(200) }),
    responses: { 201: { description: "Created", schema: partnerSchema }, 409: { description: "A partner with this id exists" } },
    handler: async ({ body }) => {
      const row = await deps.db
        .insertInto("webhooks.partners")
        .values({ name: body.name, ...(body.id ? { id: body.id } : {}) })
        .onConflict((oc) => oc.column("id").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) throw conflict(`partner "${body.id}" already exists`);
      return { status: 201, body: toPartner(row) };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/partners",
    summary: "List partners",
    tag: "Partners",
    roles: ["admin"],
    responses: { 200: { description: "Every partner, oldest first", schema: z.object({ data: z.array(partnerSchema) }) } },
    handler: async () => {
      const rows = await deps.db.selectFrom("webhooks.partners").selectAll().orderBy("created_at").orderBy("id").execute();
      return { status: 200, body: { data: rows.map(toPartner) } };
    },
  });

  routes.add({
    method: "get",
    path: "/v1/partners/:partnerId",
    summary: "Get a partner",
    tag: "Partners",
    roles: ["admin"],
    params: z.object({ partnerId: partnerIdSchema }),
    responses: { 200: { description: "The partner", schema: partnerSchema }, 404: { description: "No such partner" } },
    handler: async ({ params }) => ({ status: 200, body: toPartner(await findPartner(deps, params.partnerId)) }),
  });
}
