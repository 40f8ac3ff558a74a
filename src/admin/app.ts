import { randomUUID } from "node:crypto";
import { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { type Express, type RequestHandler } from "express";
import type { AdminDeps } from "./admin-deps.ts";
import { apiKeyRoutes } from "./api-keys.ts";
import { authenticate } from "./auth.ts";
import { dashboardRouter } from "./dashboard.ts";
import { deliveryRoutes } from "./deliveries.ts";
import { deliveryCountRoutes } from "./delivery-counts.ts";
import { docsRouter, openApiDocument } from "./docs.ts";
import { eventRoutes } from "./events.ts";
import { healthRoutes, metricsRoute } from "./health.ts";
import { meRoutes } from "./me.ts";
import { partnerRoutes } from "./partners.ts";
import { problemHandler, unknownRoute } from "./problem.ts";
import { ApiRoutes } from "./route.ts";
import { testEventRoutes } from "./test-events.ts";
import { webhookSettingsRoutes } from "./webhook-settings.ts";

export const BODY_LIMIT = "1mb";

function requestContext(deps: AdminDeps): RequestHandler {
  return (req, res, next) => {
    const offered = req.header("x-request-id");
    res.locals.requestId = offered && /^[\w.-]{1,100}$/.test(offered) ? offered : randomUUID();
    res.setHeader("x-request-id", res.locals.requestId);
    const started = performance.now();
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      const route = req.route?.path ?? (res.statusCode === 404 ? "unknown" : req.path);
      deps.metrics?.apiRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      deps.logger.http("request", {
        requestId: res.locals.requestId,
        method: req.method,
        path: req.route?.path ?? req.path,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        apiKeyId: res.locals.principal?.keyId,
      });
    });
    next();
  };
}

/**
 * The admin API: every route is defined once (src/admin/<resource>.ts) for Express and OpenAPI alike.
 * With `opsOnly`, just /healthz, /readyz and /metrics: what a worker-only process serves.
 */
export function createAdminApp(deps: AdminDeps, { opsOnly = false } = {}): Express {
  const routes = new ApiRoutes(new OpenAPIRegistry());
  healthRoutes(routes, deps);
  metricsRoute(routes, deps);
  if (!opsOnly) {
    partnerRoutes(routes, deps);
    apiKeyRoutes(routes, deps);
    webhookSettingsRoutes(routes, deps);
    testEventRoutes(routes, deps);
    meRoutes(routes);
    // Before /v1/deliveries/:deliveryId, which would otherwise take "counts" for an id.
    deliveryCountRoutes(routes, deps);
    deliveryRoutes(routes, deps);
    eventRoutes(routes, deps);
  }

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(requestContext(deps));
  app.use(docsRouter(openApiDocument(routes.registry)));
  if (!opsOnly) app.use(dashboardRouter(deps.logger));
  app.use(express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] }));
  app.use(authenticate(deps.db));
  app.use(routes.router);
  app.use(unknownRoute);
  app.use(problemHandler(deps.logger));
  return app;
}
