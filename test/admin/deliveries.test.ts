import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { Receiver } from "../helpers/receiver.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

describe("admin API: delivery history, redelivery, replay, events", () => {
  let t: TestDatabase;
  let api: TestApi;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  const emit = (partnerId: string, subjectId: string, status: "approved" | "rejected" = "approved") =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId, data: { status } }));
  const settledDelivery = (deliveryId: string) =>
    waitFor(async () => {
      const { body } = await api.get(`/v1/deliveries/${deliveryId}`);
      return body.status !== "pending" && body;
    }, `delivery ${deliveryId} to settle`);

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    receiver = await Receiver.start();
    worker = await startTestWorker(t);
    for (const id of ["ptn_acme", "ptn_other"]) {
      await api.post("/v1/partners", { id, name: id });
      await api.put(`/v1/partners/${id}/webhook`, { url: receiver.url });
    }
  });
  after(async () => {
    await worker.stop();
    await api.close();
    await receiver.close();
    await t.drop();
  });
  beforeEach(() => receiver.reset());

  it("a delivery shows every attempt with status, body, error and next attempt time", async () => {
    receiver.respond((n) => (n === 1 ? { status: 500, body: "try later" } : { status: 204 }));
    const { deliveryId, eventId } = await emit("ptn_acme", "usr_detail");
    const detail = await settledDelivery(deliveryId);
    expect(detail).to.include({ id: deliveryId, eventId, partnerId: "ptn_acme", eventType: "kyc.status_updated", subjectId: "usr_detail", status: "succeeded", attemptCount: 2 });
    expect(detail.event).to.deep.include({ id: eventId, type: "kyc.status_updated", subjectId: "usr_detail", data: { status: "approved" } });
    expect(detail.attempts.map((a: any) => [a.attemptNumber, a.trigger, a.responseStatus, a.responseBody, a.errorCode])).to.deep.equal([
      [1, "initial", 500, "try later", "http_status"],
      [2, "retry", 204, "", null],
    ]);
    expect(detail.attempts[0].nextAttemptAt).to.be.a("string");
    expect(detail.attempts[0].durationMs).to.be.a("number");
    expect(detail.attempts[0].errorMessage).to.contain("500");

    const event = await api.get(`/v1/events/${eventId}`);
    expect(event.status).to.equal(200);
    expect(event.body).to.deep.include({ id: eventId, partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_detail" });
    expect(event.body.delivery.id).to.equal(deliveryId);
  });

  it("filters by partner, subject, status, type, event and dates; newest first", async () => {
    const a = await emit("ptn_acme", "usr_filter");
    const b = await emit("ptn_acme", "usr_filter", "rejected");
    const c = await emit("ptn_other", "usr_filter");
    await Promise.all([a, b, c].map((d) => settledDelivery(d.deliveryId)));
    const ids = async (query: string) => (await api.get(`/v1/deliveries?${query}`)).body.data.map((d: { id: string }) => d.id);
    expect(await ids("subjectId=usr_filter")).to.deep.equal([c.deliveryId, b.deliveryId, a.deliveryId]);
    expect(await ids("subjectId=usr_filter&partnerId=ptn_acme")).to.deep.equal([b.deliveryId, a.deliveryId]);
    expect(await ids(`eventId=${a.eventId}`)).to.deep.equal([a.deliveryId]);
    expect(await ids("subjectId=usr_filter&status=succeeded&eventType=kyc.status_updated")).to.have.length(3);
    expect(await ids("subjectId=usr_filter&status=failed")).to.deep.equal([]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await ids(`subjectId=usr_filter&since=${future}`)).to.deep.equal([]);
    expect(await ids(`subjectId=usr_filter&until=${future}`)).to.have.length(3);
  });

  it("rejects bad dates, bad cursors, bad limits and unknown types with 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["since=yesterday", "query.since"],
      ["until=2026-13-45T00:00:00Z", "query.until"],
      ["since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "query.until"],
      ["cursor=not-a-cursor", "query.cursor"],
      ["limit=500", "query.limit"],
      ["limit=0", "query.limit"],
      ["status=lost", "query.status"],
      ["eventType=kyc.deleted", "query.eventType"],
    ]) {
      const response = await api.get(`/v1/deliveries?${query}`);
      expect(response.status, query).to.equal(400);
      expect(response.contentType).to.contain("application/problem+json");
      expect(response.body.errors.map((e: { field: string }) => e.field), query).to.include(field);
    }
  });

  it("pagination returns every row exactly once across pages while new rows arrive", async () => {
    const existing: string[] = [];
    for (let i = 0; i < 23; i++) existing.push((await emit("ptn_acme", "usr_page")).deliveryId);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: any = await api.get(`/v1/deliveries?subjectId=usr_page&limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).to.equal(200);
      seen.push(...response.body.data.map((d: { id: string }) => d.id));
      cursor = response.body.nextCursor;
      // New events keep arriving between pages; they are newer than the cursor, so never shift it.
      await emit("ptn_acme", "usr_page");
      pages++;
    } while (cursor && pages < 20);
    expect(seen).to.deep.equal([...existing].reverse());
    expect(new Set(seen).size).to.equal(seen.length);
    expect(pages).to.equal(5);
  });

  it("redeliver starts a new cycle with the same webhook-id, is audited, and is 409 while pending", async () => {
    receiver.respond(() => ({ status: 500 }));
    const { deliveryId, eventId } = await emit("ptn_acme", "usr_redeliver");
    const failed = await settledDelivery(deliveryId);
    expect(failed).to.include({ status: "failed", attemptCount: 6 });

    receiver.respond(() => ({ status: 200, delayMs: 300 }));
    receiver.requests.length = 0;
    const support = await api.keyFor("support");
    const started = await api.post(`/v1/deliveries/${deliveryId}/redeliver`, {}, support);
    expect(started.status).to.equal(202);
    expect(started.body).to.deep.equal({ deliveryId, eventId, attempt: 7 });
    const again = await api.post(`/v1/deliveries/${deliveryId}/redeliver`, {}, support);
    expect(again.status).to.equal(409);

    const done = await settledDelivery(deliveryId);
    expect(done).to.include({ status: "succeeded", attemptCount: 7 });
    expect(done.attempts[6]).to.include({ attemptNumber: 7, trigger: "redeliver", responseStatus: 200 });
    // Other tests' late deliveries may share the receiver; this event was sent exactly once more, same webhook-id.
    expect(receiver.requests.filter((r) => r.headers["webhook-id"] === eventId)).to.have.length(1);
    expect(done.redeliveries).to.have.length(1);
    expect(done.redeliveries[0]).to.include({ kind: "redeliver", firstAttempt: 7 });
    const keyRow = await t.db.selectFrom("webhooks.api_keys").select("id").where("name", "=", "support test key").executeTakeFirstOrThrow();
    expect(done.redeliveries[0].requestedBy).to.equal(keyRow.id);
  });

  it("a redelivered failure gets a full new retry cycle", async () => {
    receiver.respond(() => ({ status: 500 }));
    const { deliveryId } = await emit("ptn_acme", "usr_cycle");
    await settledDelivery(deliveryId);
    await api.post(`/v1/deliveries/${deliveryId}/redeliver`);
    const done = await waitFor(async () => {
      const { body } = await api.get(`/v1/deliveries/${deliveryId}`);
      return body.status === "failed" && body.attemptCount === 12 && body;
    }, "the second cycle to fail");
    expect(done.attempts.map((a: any) => a.trigger)).to.deep.equal([...["initial"], ...Array(5).fill("retry"), "redeliver", ...Array(5).fill("retry")]);
  });

  it("replay redelivers every matching delivery in the range and returns the count", async () => {
    receiver.respond(() => ({ status: 200 }));
    await api.post("/v1/partners", { id: "ptn_replay", name: "Replay" });
    await api.put("/v1/partners/ptn_replay/webhook", { url: receiver.url });
    const since = new Date(Date.now() - 1000).toISOString();
    const emitted: { deliveryId: string; eventId: string }[] = [];
    for (let i = 0; i < 4; i++) emitted.push(await emit("ptn_replay", `usr_replay_${i}`));
    await Promise.all(emitted.map((d) => settledDelivery(d.deliveryId)));
    const until = new Date(Date.now() + 1000).toISOString();
    receiver.requests.length = 0;

    const partnerKey = await api.keyFor("partner", "ptn_replay");
    const replayed = await api.post("/v1/partners/ptn_replay/replay", { since, until, status: "succeeded" }, partnerKey);
    expect(replayed.status).to.equal(202);
    expect(replayed.body).to.deep.equal({ count: 4 });
    const sentOnce = (eventId: string) => receiver.requests.filter((r) => r.headers["webhook-id"] === eventId).length === 1;
    await waitFor(async () => emitted.every((d) => sentOnce(d.eventId)), "each replayed event to arrive once");
    for (const d of emitted) {
      const detail = await settledDelivery(d.deliveryId);
      expect(detail.redeliveries.map((r: { kind: string }) => r.kind)).to.deep.equal(["replay"]);
    }
    expect((await api.post("/v1/partners/ptn_replay/replay", { since, until, status: "failed" })).body).to.deep.equal({ count: 0 });
    const badRange = await api.post("/v1/partners/ptn_replay/replay", { since: until, until: since });
    expect(badRange.status).to.equal(422);
    expect(badRange.body.errors[0].field).to.equal("body.until");
  });

  it("a partner key sees only its own deliveries and events; another partner's ids are 404", async () => {
    const own = await emit("ptn_acme", "usr_scope");
    const theirs = await emit("ptn_other", "usr_scope");
    const key = await api.keyFor("partner", "ptn_acme");
    const list = await api.get("/v1/deliveries?subjectId=usr_scope", key);
    expect(list.body.data.map((d: { id: string }) => d.id)).to.deep.equal([own.deliveryId]);
    expect((await api.get("/v1/deliveries?partnerId=ptn_other", key)).status).to.equal(404);
    expect((await api.get(`/v1/deliveries/${theirs.deliveryId}`, key)).status).to.equal(404);
    expect((await api.get(`/v1/events/${theirs.eventId}`, key)).status).to.equal(404);
    expect((await api.post(`/v1/deliveries/${theirs.deliveryId}/redeliver`, {}, key)).status).to.equal(404);
    expect((await api.get(`/v1/deliveries/${own.deliveryId}`, key)).status).to.equal(200);
  });
});
