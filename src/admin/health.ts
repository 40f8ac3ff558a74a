import { z } from "zod";
import { pendingMigrations } from "../db/migrator.ts";
import type { AdminDeps } from "./admin-deps.ts";
import type { ApiRoutes } from "./route.ts";

const readinessSchema = z.object({ status: z.enum(["ready", "not_ready"]), database: z.enum(["ok", "unreachable"]), pendingMigrations: z.array(z.string()) });

export function healthRoutes(routes: ApiRoutes, deps: AdminDeps): void {
  routes.add({
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    tag: "Operations",
    roles: "public",
    responses: { 200: { description: "The process is up", schema: z.object({ status: z.literal("ok") }) } },
    handler: async () => ({ status: 200, body: { status: "ok" } }),
  });

  routes.add({
    method: "get",
    path: "/readyz",
    summary: "Readiness: database reachable and migrations current",
    tag: "Operations",
    roles: "public",
    responses: { 200: { description: "Ready", schema: readinessSchema }, 503: { description: "Not ready", schema: readinessSchema } },
    handler: async () => {
      try {
        await deps.pool.query("SELECT 1");
      } catch {
        return { status: 503, body: { status: "not_ready", database: "unreachable", pendingMigrations: [] } };
      }
      const pending = await pendingMigrations(deps.pool);
      return { status: pending.length === 0 ? 200 : 503, body: { status: pending.length === 0 ? "ready" : "not_ready", database: "ok", pendingMigrations: pending } };
    },
  });
}

export function metricsRoute(routes: ApiRoutes, deps: AdminDeps): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  routes.add({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    tag: "Operations",
    roles: "public",
    responses: { 200: { description: "Prometheus text exposition format" } },
    handler: async ({ res }) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      return { status: 200, sent: true };
    },
  });
}
