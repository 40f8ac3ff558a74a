import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, deliveryOf } from "../helpers/fixtures.ts";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import { startWorkerProcess } from "../helpers/service-process.ts";
import type { TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

describe("crash safety", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
  });
  after(async () => {
    await closeScene();
  });
  beforeEach(() => receiver.reset());

  it("a worker killed with SIGKILL mid-delivery is recovered: the attempt runs again, same webhook-id, one attempt row", async () => {
    // The first request never gets an answer: the worker is killed while waiting for it.
    receiver.respond((n) => (n === 1 ? "hang" : { status: 200 }));
    const { child, exited } = startWorkerProcess(t.url, { LOG_LEVEL: "warn" });
    let recovered: Awaited<ReturnType<typeof startTestWorker>> | undefined;
    try {
      const { deliveryId, eventId } = await t.db.transaction().execute((trx) =>
        enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
      );
      await receiver.waitForRequests(1, 30_000);
      child.kill("SIGKILL");
      await exited;
      const killedAt = Date.now();

      recovered = await startTestWorker(t);
      await receiver.waitForRequests(2, 30_000);
      const recoveryMs = Date.now() - killedAt;
      const delivery = await waitFor(async () => {
        const d = await deliveryOf(t.db, deliveryId);
        return d.status === "succeeded" && d;
      }, "the delivery to succeed after recovery");

      expect(delivery.attempt_count).to.equal(1);
      expect((await attemptsOf(t.db, deliveryId)).map((a) => [a.attempt_number, a.response_status])).to.deep.equal([[1, 200]]);
      expect(receiver.requests.map((r) => r.headers["webhook-id"])).to.deep.equal([eventId, eventId]);
      const locked = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL");
      expect(locked.rows[0].n).to.equal(0);
      // The bound with WORKER_HEARTBEAT_MS=300: 3 silent beats + one sweep + one poll ≈ 2.2 s.
      console.log(`      recovered ${recoveryMs} ms after SIGKILL (heartbeat 300 ms)`);
    } finally {
      child.kill("SIGKILL");
      await recovered?.stop();
    }
  });

  it("a graceful stop waits for the in-flight delivery and records it; nothing stays locked", async () => {
    receiver.respond(() => ({ status: 200, body: "slow but fine", delayMs: 700 }));
    const worker = await startTestWorker(t);
    const { deliveryId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_2", data: { status: "approved" } }),
    );
    await receiver.waitForRequests(1);
    await worker.stop();

    expect(await deliveryOf(t.db, deliveryId)).to.include({ status: "succeeded", attempt_count: 1 });
    const jobs = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
    expect(jobs.rows[0].n, "the completed job is removed before stop() resolves").to.equal(0);
    const heartbeats = await t.db.selectFrom("webhooks.worker_heartbeats").select("worker_pool_id").where("worker_pool_id", "=", worker.workerPoolId).execute();
    expect(heartbeats).to.have.length(0);
  });

  it("jobs locked by a live worker are never unlocked, however long they run", async () => {
    receiver.respond(() => ({ status: 200, delayMs: 1500 }));
    const first = await startTestWorker(t);
    const second = await startTestWorker(t);
    try {
      const { deliveryId } = await t.db.transaction().execute((trx) =>
        enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_3", data: { status: "approved" } }),
      );
      // 1.5 s is five heartbeats: longer than the stale window, yet the holder keeps beating.
      await waitFor(async () => (await deliveryOf(t.db, deliveryId)).status === "succeeded", "the slow delivery");
      expect(receiver.requests).to.have.length(1);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
