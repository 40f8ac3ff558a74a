import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database, DeliveryStatus } from "../db/types.ts";
import type { AdminDeps } from "./admin-deps.ts";
import { partnerScope } from "./auth.ts";
import { deliveryStatusSchema } from "./delivery-views.ts";
import { partnerIdSchema } from "./partners.ts";
import type { ApiRoutes } from "./route.ts";

// Each status is counted up to this many rows, so a count costs a bounded index range scan however large the table grows.
export const COUNT_LIMIT = 10_000;

const statusCountSchema = z.object({
  count: z.number().int().meta({ description: `exact up to ${COUNT_LIMIT}` }),
  capped: z.boolean().meta({ description: `true when there are more than ${COUNT_LIMIT}: count is then ${COUNT_LIMIT}` }),
});

const deliveryCountsSchema = z
  .object({
    partnerId: z.string().nullable().meta({ description: "null: every partner" }),
    counts: z.object({ pending: statusCountSchema, succeeded: statusCountSchema, failed: statusCountSchema, skipped: statusCountSchema }),
  })
  .meta({ id: "DeliveryCounts" });

/** Rows of one status (optionally of one partner), stopping after COUNT_LIMIT + 1. */
export function countStatusQuery(db: Kysely<Database>, status: DeliveryStatus, partnerId: string | undefined) {
  let rows = db.selectFrom("webhooks.deliveries").select("seq").where("status", "=", status);
  if (partnerId !== undefined) rows = rows.where("partner_id", "=", partnerId);
  return db.selectFrom(rows.limit(COUNT_LIMIT + 1).as("rows")).select((eb) => eb.fn.countAll<string>().as("count"));
}

export function deliveryCountRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "get",
    path: "/v1/deliveries/counts",
    summary: "Count deliveries by status",
    tag: "Deliveries",
    roles: ["admin", "support", "partner"],
    query: z.object({ partnerId: partnerIdSchema.optional() }),
    responses: { 200: { description: "How many deliveries have each status (partner keys: their own)", schema: deliveryCountsSchema }, 404: { description: "A partner key asked for another partner" } },
    handler: async ({ query, principal }) => {
      const partnerId = partnerScope(principal, query.partnerId);
      const statuses = deliveryStatusSchema.options;
      const results = await Promise.all(statuses.map((status) => countStatusQuery(deps.db, status, partnerId).executeTakeFirstOrThrow()));
      const counts = Object.fromEntries(
        statuses.map((status, i) => {
          const count = Number(results[i]!.count);
          return [status, { count: Math.min(count, COUNT_LIMIT), capped: count > COUNT_LIMIT }];
        }),
      );
      return { status: 200, body: { partnerId: partnerId ?? null, counts } };
    },
  });
}
