import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import type { TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { sleep, waitFor } from "../helpers/wait.ts";

describe("delivery attempts and the retry schedule (short WEBHOOK_RETRY_SCHEDULE)", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
    worker = await startTestWorker(t, { WEBHOOK_TIMEOUT_MS: "500" });
  });
  after(async () => {
    await worker.stop();
    await closeScene();
  });
  beforeEach(() => receiver.reset());

  const send = (subjectId: string) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_acme", type: "transaction.status_updated", subjectId, data: { status: "completed" } }));
  const settled = (deliveryId: string) =>
    waitFor(async () => {
      const d = await deliveryOf(t.db, deliveryId);
      return d.status !== "pending" && d;
    }, `delivery ${deliveryId} to settle`);

  it("fails twice, then 200 → succeeded with 3 attempt rows recording what happened", async () => {
    receiver.respond((n) => (n <= 2 ? { status: 503, body: `busy ${n}` } : { status: 200, body: "thanks" }));
    const { deliveryId, eventId } = await send("txn_retry");
    const delivery = await settled(deliveryId);
    expect(delivery).to.include({ status: "succeeded", attempt_count: 3, last_response_status: 200, last_error_code: null });
    expect(delivery.completed_at).to.be.instanceOf(Date);
    const attempts = await attemptsOf(t.db, deliveryId);
    expect(attempts.map((a) => [a.attempt_number, a.trigger, a.response_status, a.response_body, a.error_code])).to.deep.equal([
      [1, "initial", 503, "busy 1", "http_status"],
      [2, "retry", 503, "busy 2", "http_status"],
      [3, "retry", 200, "thanks", null],
    ]);
    for (const a of attempts) {
      expect(a.duration_ms).to.be.a("number").and.at.least(0);
      expect(a.url).to.equal(receiver.url);
      expect(a.response_headers).to.have.property("content-type", "text/plain");
    }
    expect(attempts[0]!.next_attempt_at).to.be.instanceOf(Date);
    expect(attempts[2]!.next_attempt_at).to.equal(null);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"]))).to.deep.equal(new Set([eventId]));
  });

  it("always 500 → exactly 6 attempts, then failed, and no job left behind", async () => {
    receiver.respond(() => ({ status: 500, body: "boom" }));
    const { deliveryId } = await send("txn_fail");
    const delivery = await settled(deliveryId);
    expect(delivery).to.include({ status: "failed", attempt_count: 6, last_response_status: 500, last_error_code: "http_status", next_attempt_at: null });
    expect((await attemptsOf(t.db, deliveryId)).map((a) => a.attempt_number)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    await sleep(300);
    expect(receiver.requests).to.have.length(6);
    const jobs = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'deliveryId' = $1", [deliveryId]);
    expect(jobs.rows[0].n).to.equal(0);
  });

  it("classifies a hang as timeout, a closed port as connection, and a 3xx as http_status without following it", async () => {
    receiver.respond((_n, request) => (request.path === "/redirected" ? { status: 200 } : "hang"));
    const hang = await send("txn_timeout");
    const hung = await waitFor(async () => (await attemptsOf(t.db, hang.deliveryId))[0], "the timed-out attempt");
    expect(hung).to.include({ error_code: "timeout", response_status: null });
    expect(hung.error_message).to.contain("500 ms");
    expect(hung.duration_ms).to.be.at.least(450);

    const closed = await Receiver.start();
    const closedUrl = closed.url;
    await closed.close();
    await createPartner(t.db, "ptn_closed");
    await setEndpoint(t.db, "ptn_closed", closedUrl);
    const refused = await t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_closed", type: "kyc.status_updated", subjectId: "u", data: { status: "approved" } }));
    const refusedAttempt = await waitFor(async () => (await attemptsOf(t.db, refused.deliveryId))[0], "the refused attempt");
    expect(refusedAttempt).to.include({ error_code: "connection", response_status: null });
    expect(refusedAttempt.error_message).to.contain("ECONNREFUSED");

    receiver.respond(() => ({ status: 302, headers: { location: "/redirected" } }));
    const redirect = await send("txn_redirect");
    const redirected = await waitFor(async () => (await attemptsOf(t.db, redirect.deliveryId))[0], "the redirected attempt");
    expect(redirected).to.include({ error_code: "http_status", response_status: 302 });
    expect(redirected.error_message).to.contain("not followed");
    expect(receiver.requests.filter((r) => r.path === "/redirected")).to.have.length(0);
  });

  it("keeps only the first 8 KiB of a large response body", async () => {
    receiver.respond(() => ({ status: 200, body: "x".repeat(100_000) }));
    const { deliveryId } = await send("txn_big");
    await settled(deliveryId);
    const [attempt] = await attemptsOf(t.db, deliveryId);
    expect(attempt!.response_body).to.have.length(8192);
  });
});
