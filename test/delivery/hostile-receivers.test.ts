import { expect } from "chai";
import { RESPONSE_BODY_LIMIT_BYTES } from "../../src/delivery/http-sender.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { startHostileReceiver, type HostileKind, type HostileReceiver } from "../helpers/hostile-receivers.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

const TIMEOUT_MS = 1000;
// Timers and the recording transaction may add a little to the measured duration.
const SLACK_MS = 300;

const expectations: Record<HostileKind, { errorCode: string | null; status: number | null }> = {
  hang: { errorCode: "timeout", status: null },
  reset: { errorCode: "connection", status: null },
  "trickle-headers": { errorCode: "timeout", status: null },
  // Status and headers arrived in time: the outcome stands, the slow body is cut at the deadline.
  "trickle-body": { errorCode: null, status: 200 },
  "gigabyte-body": { errorCode: null, status: 200 },
  "redirect-to-self": { errorCode: "http_status", status: 302 },
  "redirect-to-metadata": { errorCode: "http_status", status: 307 },
  "late-success": { errorCode: "timeout", status: null },
  "invalid-http": { errorCode: "connection", status: null },
};

describe("hostile receivers", () => {
  let t: TestDatabase;
  let healthy: Receiver;
  const hostile = new Map<HostileKind, HostileReceiver>();

  const enqueue = (partnerId: string) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }));

  before(async () => {
    t = await createTestDatabase();
    healthy = await Receiver.start();
    await createPartner(t.db, "ptn_healthy");
    await setEndpoint(t.db, "ptn_healthy", healthy.url);
    for (const kind of Object.keys(expectations) as HostileKind[]) {
      const receiver = await startHostileReceiver(kind, { lateMs: TIMEOUT_MS + 500 });
      hostile.set(kind, receiver);
      await createPartner(t.db, `ptn_${kind}`);
      await setEndpoint(t.db, `ptn_${kind}`, receiver.url);
    }
  });
  after(async () => {
    await Promise.all([...hostile.values()].map((r) => r.close()));
    await healthy.close();
    await t.drop();
  });

  it("each ends with the right error_code within the timeout, memory stays bounded, and a healthy partner is served meanwhile", async () => {
    // One attempt per delivery (empty retry schedule), and more slots than hostile partners.
    const worker = await startTestWorker(t, { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOK_RETRY_SCHEDULE: "", WORKER_CONCURRENCY: "12" });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    try {
      const deliveries = new Map<HostileKind, string>();
      for (const kind of hostile.keys()) deliveries.set(kind, (await enqueue(`ptn_${kind}`)).deliveryId);
      await waitFor(async () => [...hostile.values()].every((r) => r.stats.connections > 0), "every hostile receiver to be connected");

      const healthyStarted = Date.now();
      const { deliveryId: healthyId } = await enqueue("ptn_healthy");
      await waitFor(async () => (await deliveryOf(t.db, healthyId)).status === "succeeded", "the healthy delivery");
      const healthyMs = Date.now() - healthyStarted;
      const stillInFlight = await t.db.selectFrom("webhooks.deliveries").select("id").where("id", "in", [deliveries.get("hang")!, deliveries.get("late-success")!]).where("status", "=", "pending").execute();
      expect(stillInFlight, "the hanging partners were still in flight when the healthy one succeeded").to.have.length(2);
      expect(healthyMs).to.be.below(TIMEOUT_MS);

      for (const [kind, deliveryId] of deliveries) {
        const delivery = await waitFor(async () => {
          const d = await deliveryOf(t.db, deliveryId);
          return d.status !== "pending" && d;
        }, `${kind} to finish`, 10_000);
        const [attempt, ...more] = await attemptsOf(t.db, deliveryId);
        expect(more, kind).to.have.length(0);
        expect({ kind, errorCode: attempt!.error_code, status: attempt!.response_status }).to.deep.equal({ kind, ...expectations[kind] });
        expect(delivery.status, kind).to.equal(expectations[kind].errorCode === null ? "succeeded" : "failed");
        expect(attempt!.duration_ms, kind).to.be.at.most(TIMEOUT_MS + SLACK_MS);
        if (attempt!.error_code !== null) expect(attempt!.error_message, kind).to.be.a("string").and.not.equal("");
      }

      const redirects = [hostile.get("redirect-to-self")!, hostile.get("redirect-to-metadata")!];
      expect(redirects.map((r) => r.stats.requests), "redirects are not followed").to.deep.equal([1, 1]);
      const [giant] = await attemptsOf(t.db, deliveries.get("gigabyte-body")!);
      expect(giant!.response_body).to.have.length(RESPONSE_BODY_LIMIT_BYTES);
      const gigabyte = hostile.get("gigabyte-body")!.stats.bytesSent;
      expect(gigabyte, "the sender stopped reading, so the receiver stopped writing").to.be.below(64 * 1024 ** 2);
      expect((rssPeak - rssBefore) / 1024 ** 2, "MiB of extra memory while a partner offered 1 GiB").to.be.below(150);
      console.log(`      healthy partner served in ${healthyMs} ms; 1 GiB receiver wrote ${(gigabyte / 1024 ** 2).toFixed(1)} MiB before the sender hung up; peak RSS +${((rssPeak - rssBefore) / 1024 ** 2).toFixed(0)} MiB`);
    } finally {
      clearInterval(sampler);
      await worker.stop();
    }
  });

  it("a hanging partner with a backlog larger than the worker's concurrency does not hold up another partner", async () => {
    const worker = await startTestWorker(t, { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOK_RETRY_SCHEDULE: "", WORKER_CONCURRENCY: "4" });
    try {
      const backlog: string[] = [];
      for (let i = 0; i < 6; i++) backlog.push((await enqueue("ptn_hang")).deliveryId);
      await waitFor(async () => hostile.get("hang")!.stats.connections > 0, "the hanging partner to be connected");
      const started = Date.now();
      const { deliveryId } = await enqueue("ptn_healthy");
      await waitFor(async () => (await deliveryOf(t.db, deliveryId)).status === "succeeded", "the healthy delivery");
      const healthyMs = Date.now() - started;
      expect(healthyMs, "the healthy partner waited for the hanging partner's timeouts").to.be.below(TIMEOUT_MS);
      await waitFor(async () => {
        const rows = await t.db.selectFrom("webhooks.deliveries").select("status").where("id", "in", backlog).execute();
        return rows.every((r) => r.status === "failed");
      }, "the hanging partner's backlog to time out", 20_000);
      console.log(`      healthy partner served in ${healthyMs} ms behind a hanging partner's backlog of ${backlog.length}`);
    } finally {
      await worker.stop();
    }
  });
});
