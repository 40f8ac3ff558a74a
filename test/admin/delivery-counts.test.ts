import { expect } from "chai";
import { sql } from "kysely";
import { COUNT_LIMIT } from "../../src/admin/delivery-counts.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { createPartner } from "../helpers/fixtures.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

describe("admin API: GET /v1/deliveries/counts", () => {
  let t: TestDatabase;
  let api: TestApi;

  const emit = (partnerId: string) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId: "usr_count", data: { status: "approved" } }));
  const setStatus = (deliveryId: string, status: "pending" | "succeeded" | "failed") =>
    t.db.updateTable("webhooks.deliveries").set({ status }).where("id", "=", deliveryId).execute();
  const counts = (body: any) => Object.fromEntries(Object.entries(body.counts).map(([status, c]: [string, any]) => [status, c.count]));

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    await createPartner(t.db, "ptn_a");
    await createPartner(t.db, "ptn_b");
    // No endpoints and no worker: every delivery is recorded skipped; statuses are then set directly.
    const a = await Promise.all([emit("ptn_a"), emit("ptn_a"), emit("ptn_a"), emit("ptn_a")]);
    await setStatus(a[0]!.deliveryId, "failed");
    await setStatus(a[1]!.deliveryId, "succeeded");
    await setStatus(a[2]!.deliveryId, "pending");
    const b = await Promise.all([emit("ptn_b"), emit("ptn_b")]);
    await setStatus(b[0]!.deliveryId, "failed");
  });
  after(async () => {
    await api.close();
    await t.drop();
  });

  it("counts every partner's deliveries by status for admin and support", async () => {
    for (const key of [undefined, await api.keyFor("support")]) {
      const response = await api.get("/v1/deliveries/counts", key);
      expect(response.status).to.equal(200);
      expect(response.body.partnerId).to.equal(null);
      expect(counts(response.body)).to.deep.equal({ pending: 1, succeeded: 1, failed: 2, skipped: 2 });
    }
    const one = await api.get("/v1/deliveries/counts?partnerId=ptn_b");
    expect(one.body).to.deep.equal({
      partnerId: "ptn_b",
      counts: { pending: { count: 0, capped: false }, succeeded: { count: 0, capped: false }, failed: { count: 1, capped: false }, skipped: { count: 1, capped: false } },
    });
  });

  it("a partner key counts only its own deliveries; another partner's id is a 404", async () => {
    const key = await api.keyFor("partner", "ptn_a");
    const own = await api.get("/v1/deliveries/counts", key);
    expect(own.body.partnerId).to.equal("ptn_a");
    expect(counts(own.body)).to.deep.equal({ pending: 1, succeeded: 1, failed: 1, skipped: 1 });
    expect((await api.get("/v1/deliveries/counts?partnerId=ptn_a", key)).body.partnerId).to.equal("ptn_a");
    const other = await api.get("/v1/deliveries/counts?partnerId=ptn_b", key);
    expect(other.status).to.equal(404);
    expect(other.contentType).to.contain("application/problem+json");
    expect(JSON.stringify(other.body)).not.to.contain("failed");
  });

  it(`stops counting past ${COUNT_LIMIT.toLocaleString("en")} and says so`, async () => {
    await createPartner(t.db, "ptn_many");
    await sql`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload)
      SELECT 'ptn_many', 'kyc.status_updated', 'usr_' || g, '{"status":"approved"}' FROM generate_series(1, ${COUNT_LIMIT + 5}) g`.execute(t.db);
    const { body } = await api.get("/v1/deliveries/counts?partnerId=ptn_many");
    expect(body.counts.skipped).to.deep.equal({ count: COUNT_LIMIT, capped: true });
    expect(body.counts.failed).to.deep.equal({ count: 0, capped: false });
  });

  it("rejects a malformed partner id with 400 naming the parameter", async () => {
    const response = await api.get("/v1/deliveries/counts?partnerId=" + "x".repeat(500));
    expect(response.status).to.equal(400);
    expect(response.body.errors[0].field).to.equal("query.partnerId");
  });
});
