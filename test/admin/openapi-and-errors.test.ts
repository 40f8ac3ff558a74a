import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "chai";
import { createAdminApp } from "../../src/admin/app.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, silentLogger, type TestDatabase } from "../helpers/test-database.ts";
import { testConfig } from "../helpers/test-worker.ts";
import { createDb, createPool } from "../../src/db/connection.ts";
import { startAdminServer } from "../../src/admin/server.ts";

describe("admin API: OpenAPI document, docs page, errors, health", () => {
  let t: TestDatabase;
  let api: TestApi;

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
  });
  after(async () => {
    await api.close();
    await t.drop();
  });

  it("/openapi.json is a valid OpenAPI 3.1 document describing every route", async () => {
    const { status, body } = await api.get("/openapi.json", null);
    expect(status).to.equal(200);
    const result = await new Validator().validate(body);
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(body.openapi).to.equal("3.1.0");
    const operations = Object.entries(body.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).to.include.members([
      "POST /v1/partners", "GET /v1/partners", "GET /v1/partners/{partnerId}", "POST /v1/api-keys", "DELETE /v1/api-keys/{keyId}",
      "PUT /v1/partners/{partnerId}/webhook", "GET /v1/partners/{partnerId}/webhook", "DELETE /v1/partners/{partnerId}/webhook",
      "POST /v1/partners/{partnerId}/webhook/secret/rotate", "POST /v1/partners/{partnerId}/webhook/test", "POST /v1/partners/{partnerId}/mock-events",
      "GET /v1/deliveries", "GET /v1/deliveries/{deliveryId}", "POST /v1/deliveries/{deliveryId}/redeliver", "POST /v1/partners/{partnerId}/replay",
      "GET /v1/events/{eventId}", "GET /healthz", "GET /readyz",
    ]);
    const setWebhook = body.paths["/v1/partners/{partnerId}/webhook"].put;
    expect(setWebhook.requestBody.content["application/json"].schema.properties).to.have.keys("url", "enabled", "eventTypes");
  });

  it("/docs serves a page whose assets are local (no CDN)", async () => {
    const page = await api.get("/docs", null);
    expect(page.status).to.equal(200);
    expect(page.contentType).to.contain("text/html");
    expect(page.body).not.to.match(/https?:\/\//);
    const bundle = await fetch(`${api.base}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).to.equal(200);
  });

  it("unknown routes, invalid JSON and oversized bodies are problem+json 404, 400 and 413", async () => {
    const unknown = await api.get("/v1/nothing-here");
    expect(unknown.status).to.equal(404);
    expect(unknown.contentType).to.contain("application/problem+json");
    expect(unknown.body).to.include({ status: 404, title: "Not Found" });
    expect(unknown.body.requestId).to.be.a("string");

    const invalidJson = await api.request("POST", "/v1/partners", { rawBody: "{not json" });
    expect(invalidJson.status).to.equal(400);
    expect(invalidJson.body.detail).to.contain("not valid JSON");

    const huge = await api.request("POST", "/v1/partners", { rawBody: JSON.stringify({ name: "x".repeat(1_100_000) }) });
    expect(huge.status).to.equal(413);
    expect(huge.contentType).to.contain("application/problem+json");
  });

  it("an unexpected failure is a 500 with a request id and no internals", async () => {
    const broken = await createTestDatabase();
    const server = await startAdminServer({ config: testConfig(broken, { ADMIN_API_KEY: "a".repeat(40) }), db: broken.db, pool: broken.pool, logger: silentLogger }, 0);
    try {
      await broken.pool.query("DROP TABLE webhooks.endpoints CASCADE");
      const response = await fetch(`http://127.0.0.1:${server.port}/v1/partners/ptn_x/webhook`, { headers: { authorization: `Bearer ${"a".repeat(40)}`, "x-request-id": "req-123" } });
      const body = await response.json();
      expect(response.status).to.equal(500);
      expect(body).to.deep.equal({
        type: "about:blank",
        title: "Internal Server Error",
        status: 500,
        detail: "an unexpected error occurred; quote the requestId when reporting it",
        requestId: "req-123",
      });
    } finally {
      await server.close();
      await broken.drop();
    }
  });

  it("/healthz is up; /readyz is ready when the database is reachable and migrated, 503 when not", async () => {
    expect((await api.get("/healthz", null)).body).to.deep.equal({ status: "ok" });
    const ready = await api.get("/readyz", null);
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.equal({ status: "ready", database: "ok", pendingMigrations: [] });

    const pool = createPool("postgres://postgres@127.0.0.1:1/nowhere", 1, silentLogger);
    const app = createAdminApp({ config: testConfig(t), db: createDb(pool), pool, logger: silentLogger });
    const server = app.listen(0);
    try {
      await new Promise((resolve) => server.once("listening", resolve));
      const response = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/readyz`);
      expect(response.status).to.equal(503);
      expect(await response.json()).to.include({ status: "not_ready", database: "unreachable" });
    } finally {
      server.close();
      await pool.end();
    }
  });
});
