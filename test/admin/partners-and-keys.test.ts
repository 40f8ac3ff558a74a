import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { TEST_ENV } from "../helpers/test-worker.ts";

describe("admin API: partners and API keys", () => {
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

  it("creates, lists and reads partners; a taken id is 409 and a bad one names the field", async () => {
    const created = await api.post("/v1/partners", { id: "ptn_acme", name: "Acme Pay" });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ id: "ptn_acme", name: "Acme Pay" });
    const generated = await api.post("/v1/partners", { name: "Globex" });
    expect(generated.status).to.equal(201);
    expect(generated.body.id).to.match(/^ptn_[0-9a-f]{32}$/);

    expect((await api.get("/v1/partners")).body.data.map((p: { id: string }) => p.id)).to.deep.equal(["ptn_acme", generated.body.id]);
    expect((await api.get("/v1/partners/ptn_acme")).body.name).to.equal("Acme Pay");
    const missing = await api.get("/v1/partners/ptn_nobody");
    expect(missing.status).to.equal(404);
    expect(missing.contentType).to.contain("application/problem+json");

    const taken = await api.post("/v1/partners", { id: "ptn_acme", name: "Again" });
    expect(taken.status).to.equal(409);
    const bad = await api.post("/v1/partners", { id: "has spaces", name: "" });
    expect(bad.status).to.equal(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(["body.id", "body.name"]);
  });

  it("shows a new key once, stores only its hash, and a revoked key stops working at once", async () => {
    const created = await api.post("/v1/api-keys", { name: "support desk", role: "support" });
    expect(created.status).to.equal(201);
    expect(created.body.key).to.match(/^wo_[A-Za-z0-9_-]{43}$/);
    const list = await api.get("/v1/api-keys");
    expect(JSON.stringify(list.body)).not.to.contain(created.body.key);
    const stored = await t.db.selectFrom("webhooks.api_keys").selectAll().where("id", "=", created.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.to.contain(created.body.key);

    expect((await api.get("/v1/deliveries", created.body.key)).status).to.equal(200);
    expect((await api.delete(`/v1/api-keys/${created.body.id}`)).status).to.equal(204);
    const afterRevoke = await api.get("/v1/deliveries", created.body.key);
    expect(afterRevoke.status).to.equal(401);
    expect(afterRevoke.body.detail).to.contain("revoked");
    expect((await api.delete("/v1/api-keys/key_nope")).status).to.equal(404);
  });

  it("a partner key needs an existing partnerId; other roles must not have one", async () => {
    const missing = await api.post("/v1/api-keys", { name: "p", role: "partner" });
    expect(missing.status).to.equal(422);
    expect(missing.body.errors[0].field).to.equal("body.partnerId");
    const unknown = await api.post("/v1/api-keys", { name: "p", role: "partner", partnerId: "ptn_nobody" });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.detail).to.contain("ptn_nobody");
    expect((await api.post("/v1/api-keys", { name: "s", role: "support", partnerId: "ptn_acme" })).status).to.equal(422);
    expect((await api.post("/v1/api-keys", { name: "p", role: "partner", partnerId: "ptn_acme" })).status).to.equal(201);
  });

  it("the CLI creates keys that work, and refuses misuse with a non-zero exit", async () => {
    const main = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
    const env = { ...process.env, ...TEST_ENV, DATABASE_URL: t.url, LOG_LEVEL: "error" };
    const ok = spawnSync(process.execPath, ["--import", "tsx", main, "keys", "create", "--role", "support", "--name", "cli"], { env, encoding: "utf8" });
    expect(ok.status, ok.stderr).to.equal(0);
    const { key } = JSON.parse(ok.stdout);
    expect((await api.get("/v1/deliveries", key)).status).to.equal(200);
    const misuse = spawnSync(process.execPath, ["--import", "tsx", main, "keys", "create", "--role", "partner", "--name", "x"], { env, encoding: "utf8" });
    expect(misuse.status).to.equal(2);
    expect(misuse.stderr).to.contain("--partner");
  });

  it("answers 401 without a key or with a malformed header", async () => {
    expect((await api.get("/v1/partners", null)).status).to.equal(401);
    const malformed = await api.request("GET", "/v1/partners", { key: null, headers: { authorization: "Basic abc" } });
    expect(malformed.status).to.equal(401);
    expect(malformed.body.detail).to.contain("Bearer");
  });
});
