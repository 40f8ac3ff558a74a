import type { lookup } from "node:dns";
import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { Receiver } from "../helpers/receiver.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

const verify = (secret: string, request: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(request.body, {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  });

describe("admin API: webhook settings, secrets, test and mock events", () => {
  let t: TestDatabase;
  let api: TestApi;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    receiver = await Receiver.start();
    worker = await startTestWorker(t);
    await api.post("/v1/partners", { id: "ptn_acme", name: "Acme" });
  });
  after(async () => {
    await worker.stop();
    await api.close();
    await receiver.close();
    await t.drop();
  });
  beforeEach(() => receiver.reset());

  it("first PUT creates the settings and shows the secret once; later reads and updates never show it", async () => {
    const created = await api.put("/v1/partners/ptn_acme/webhook", { url: receiver.url, eventTypes: ["kyc.status_updated"] });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ partnerId: "ptn_acme", url: receiver.url, enabled: true });
    expect(created.body.eventTypes).to.deep.equal(["kyc.status_updated"]);
    expect(created.body.secret).to.match(/^whsec_/);

    const updated = await api.put("/v1/partners/ptn_acme/webhook", { url: receiver.url, eventTypes: null });
    expect(updated.status).to.equal(200);
    expect(updated.body).not.to.have.property("secret");
    expect(updated.body.eventTypes).to.equal(null);
    const read = await api.get("/v1/partners/ptn_acme/webhook");
    expect(read.status).to.equal(200);
    expect(JSON.stringify(read.body)).not.to.contain(created.body.secret);

    const test = await api.post("/v1/partners/ptn_acme/webhook/test");
    expect(test.status).to.equal(202);
    const [request] = await receiver.waitForRequests(1);
    expect(verify(created.body.secret, request!)).to.deep.include({ id: test.body.eventId, type: "webhook.test" });
  });

  it("after a rotation a receiver holding either the old or the new secret verifies", async () => {
    const { body: first } = await api.put("/v1/partners/ptn_rot/webhook", { url: receiver.url }).then(async (r) => {
      if (r.status !== 404) return r;
      await api.post("/v1/partners", { id: "ptn_rot", name: "Rot" });
      return api.put("/v1/partners/ptn_rot/webhook", { url: receiver.url });
    });
    const rotated = await api.post("/v1/partners/ptn_rot/webhook/secret/rotate");
    expect(rotated.status).to.equal(200);
    expect(rotated.body.secret).to.match(/^whsec_/).and.not.equal(first.secret);
    const expires = new Date(rotated.body.previousSecretExpiresAt).getTime() - Date.now();
    expect(expires).to.be.within(23.9 * 3600_000, 24.1 * 3600_000);

    await api.post("/v1/partners/ptn_rot/webhook/test");
    const [request] = await receiver.waitForRequests(1);
    expect(String(request!.headers["webhook-signature"]).split(" ")).to.have.length(2);
    expect(verify(first.secret, request!)).to.have.property("type", "webhook.test");
    expect(verify(rotated.body.secret, request!)).to.have.property("type", "webhook.test");
  });

  it("refuses URLs that are not absolute http(s), and names the field", async () => {
    for (const url of ["not a url", "ftp://example.com/x", "/relative"]) {
      const response = await api.put("/v1/partners/ptn_acme/webhook", { url });
      expect(response.status, url).to.equal(422);
      expect(response.body.errors[0].field, url).to.equal("body.url");
    }
  });

  describe("when private URLs are not allowed", () => {
    let strict: TestApi;
    const resolveTo = (address: string) =>
      ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) => cb(null, [{ address, family: 4 }])) as unknown as typeof lookup;
    let answer = "93.184.216.34";
    before(async () => {
      strict = await startTestApi(t, { WEBHOOK_ALLOW_PRIVATE_URLS: "false" }, ((h: string, o: unknown, cb: never) => resolveTo(answer)(h, o as never, cb)) as unknown as typeof lookup);
    });
    after(() => strict.close());

    it("refuses http, loopback, private and metadata targets, and names that resolve privately", async () => {
      for (const url of ["http://partner.example/hook", "https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest", "https://[::1]/hook", "https://2130706433/"]) {
        const response = await strict.put("/v1/partners/ptn_acme/webhook", { url });
        expect(response.status, url).to.equal(422);
        expect(response.body.errors[0].field).to.equal("body.url");
      }
      answer = "192.168.1.20";
      const rebinding = await strict.put("/v1/partners/ptn_acme/webhook", { url: "https://partner.example/hook" });
      expect(rebinding.status).to.equal(422);
      expect(rebinding.body.detail).to.contain("partner.example resolves to 192.168.1.20");
      answer = "93.184.216.34";
      const ok = await strict.put("/v1/partners/ptn_acme/webhook", { url: "https://partner.example/hook" });
      expect(ok.status).to.equal(200);
      await api.put("/v1/partners/ptn_acme/webhook", { url: receiver.url });
    });
  });

  it("mock events are delivered in development and are 404 in production", async () => {
    const mock = await api.post("/v1/partners/ptn_acme/mock-events", { type: "transaction.status_updated", subjectId: "txn_mock", data: { status: "completed" } });
    expect(mock.status).to.equal(202);
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request!.body)).to.deep.include({ id: mock.body.eventId, type: "transaction.status_updated", data: { status: "completed" } });

    const invalid = await api.post("/v1/partners/ptn_acme/mock-events", { type: "kyc.status_updated", subjectId: "u", data: { status: "maybe" } });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).to.include("body.data.status");

    const production = await startTestApi(t, { APP_ENV: "production" });
    try {
      const refused = await production.post("/v1/partners/ptn_acme/mock-events", { type: "kyc.status_updated", subjectId: "u", data: { status: "approved" } });
      expect(refused.status).to.equal(404);
    } finally {
      await production.close();
    }
  });

  it("DELETE removes the settings; a test event then needs a URL first (409), and new events are skipped", async () => {
    await api.post("/v1/partners", { id: "ptn_gone", name: "Gone" });
    await api.put("/v1/partners/ptn_gone/webhook", { url: receiver.url });
    expect((await api.delete("/v1/partners/ptn_gone/webhook")).status).to.equal(204);
    expect((await api.get("/v1/partners/ptn_gone/webhook")).status).to.equal(404);
    expect((await api.delete("/v1/partners/ptn_gone/webhook")).status).to.equal(404);
    const test = await api.post("/v1/partners/ptn_gone/webhook/test");
    expect(test.status).to.equal(409);
    expect(test.body.detail).to.contain("PUT /v1/partners/ptn_gone/webhook");
    const mock = await api.post("/v1/partners/ptn_gone/mock-events", { type: "kyc.status_updated", subjectId: "u", data: { status: "approved" } });
    const delivery = await waitFor(async () => (await api.get(`/v1/deliveries/${mock.body.deliveryId}`)).body, "the delivery");
    expect(delivery).to.include({ status: "skipped", skipReason: "no_endpoint" });
  });
});
