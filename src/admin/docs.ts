import { OpenApiGeneratorV31, type OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { Router } from "express";
import { getAbsoluteFSPath } from "swagger-ui-dist";

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(registry: OpenAPIRegistry) {
  registry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", description: "An API key: Authorization: Bearer <key>" });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "webhook-outbox admin API",
      version: "1.0.0",
      description: "Partner webhook settings, delivery history, redelivery and replay. Errors are application/problem+json.",
    },
  });
}

// Swagger UI from the swagger-ui-dist npm package, served locally: no CDN.
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>webhook-outbox API docs</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#docs" });`;

export function docsRouter(document: unknown): Router {
  const router = Router();
  router.get("/openapi.json", (_req, res) => res.json(document));
  router.get("/docs", (_req, res) => res.type("html").send(DOCS_PAGE));
  router.get("/docs/init.js", (_req, res) => res.type("js").send(DOCS_INIT));
  router.use("/docs/assets", express.static(getAbsoluteFSPath(), { index: false }));
  return router;
}
