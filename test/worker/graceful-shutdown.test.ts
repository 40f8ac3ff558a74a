import { expect } from "chai";
import { sql } from "kysely";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, deliveryOf } from "../helpers/fixtures.ts";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import type { TestDatabase } from "../helpers/test-database.ts";
import { startWorkerProcess, type ServiceProcess } from "../helpers/service-process.ts";

describe("graceful shutdown of a worker process", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;
  let worker: ServiceProcess | undefined;

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
  });
  after(async () => {
    worker?.child.kill("SIGKILL");
    await closeScene();
  });
  beforeEach(() => receiver.reset());

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} with a delivery in flight: the process records it, leaves nothing locked and exits 0`, async () => {
      receiver.respond(() => ({ status: 200, body: "took a while", delayMs: 1000 }));
      worker = startWorkerProcess(t.url);
      const started = await worker.waitForLog("worker started");
      const { deliveryId } = await t.db.transaction().execute((trx) =>
        enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
      );
      await receiver.waitForRequests(1);
      worker.child.kill(signal);

      expect(await worker.exited).to.deep.equal({ code: 0, signal: null });
      expect(await deliveryOf(t.db, deliveryId)).to.include({ status: "succeeded", attempt_count: 1 });
      expect((await attemptsOf(t.db, deliveryId)).map((a) => [a.attempt_number, a.response_status, a.response_body])).to.deep.equal([
        [1, 200, "took a while"],
      ]);
      const jobs = await sql<{ locked: number; total: number }>`
        SELECT count(*) FILTER (WHERE locked_by IS NOT NULL)::int AS locked, count(*)::int AS total
        FROM graphile_worker._private_jobs`.execute(t.db);
      expect(jobs.rows[0]).to.deep.equal({ locked: 0, total: 0 });
      const heartbeats = await t.db.selectFrom("webhooks.worker_heartbeats").select("worker_pool_id").where("worker_pool_id", "=", String(started.workerPoolId)).execute();
      expect(heartbeats, "the stopped process removed its heartbeat").to.have.length(0);
      expect(worker.logs.map((line) => line.message)).to.include.members(["shutting down gracefully; send the signal again to exit at once", "worker stopped"]);
      expect(receiver.requests).to.have.length(1);
    });
  }
});
