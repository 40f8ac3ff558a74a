import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { createPartner, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver } from "../helpers/receiver.ts";
import { startWorkerProcess, type ServiceProcess } from "../helpers/service-process.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait.ts";

const KILLS = 5;
// Per kill: a batch committed while a worker runs, and a few committed while none does.
const LIVE_BATCH = 34;
const DEAD_BATCH = 6;
const TOTAL = KILLS * (LIVE_BATCH + DEAD_BATCH);

describe("crash safety under load: a worker process killed with SIGKILL again and again", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  const arrivals: { webhookId: string; at: number }[] = [];

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
    await createPartner(t.db, "ptn_acme");
    await setEndpoint(t.db, "ptn_acme", receiver.url);
    // Every answer is a 200 after 30-120 ms, so several requests are always in flight when the worker dies.
    receiver.respond((_n, request) => {
      arrivals.push({ webhookId: String(request.headers["webhook-id"]), at: Date.now() });
      return { status: 200, delayMs: 30 + Math.floor(Math.random() * 90) };
    });
  });
  after(async () => {
    await receiver.close();
    await t.drop();
  });

  async function enqueueBatch(batch: string, size: number): Promise<void> {
    await t.db.transaction().execute(async (trx) => {
      for (let i = 0; i < size; i++) {
        await enqueueEvent(trx, { partnerId: "ptn_acme", type: "transaction.status_updated", subjectId: `txn_${batch}_${i}`, data: { status: "completed" } });
      }
    });
  }

  it(`${KILLS} kills over ${TOTAL} events: every event succeeds, one attempt row each, duplicates carry the same webhook-id`, async () => {
    const spawnWorker = () => startWorkerProcess(t.url, { LOG_LEVEL: "warn" });
    let worker: ServiceProcess = spawnWorker();
    const recoveries: number[] = [];
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        const seen = arrivals.length;
        await enqueueBatch(`live${kill}`, LIVE_BATCH);
        await waitFor(async () => arrivals.length >= seen + 8, `deliveries in flight before kill ${kill}`, 30_000);
        worker.child.kill("SIGKILL");
        expect(await worker.exited, "killed by the signal, not exited").to.deep.equal({ code: null, signal: "SIGKILL" });
        const killedAt = Date.now();
        // Sent but not recorded when the process died: these are the deliveries the crash interrupted.
        const sent = new Set(arrivals.map((a) => a.webhookId));
        const interrupted = (await t.db.selectFrom("webhooks.deliveries").select("event_id").where("status", "=", "pending").execute())
          .map((d) => d.event_id)
          .filter((id) => sent.has(id));
        // Events committed while no worker runs are not lost either.
        await enqueueBatch(`dead${kill}`, DEAD_BATCH);
        worker = spawnWorker();
        if (interrupted.length > 0) {
          await waitFor(async () => interrupted.every((id) => arrivals.some((a) => a.webhookId === id && a.at > killedAt)), `interrupted deliveries of kill ${kill} to be sent again`, 30_000);
          recoveries.push(Math.max(...interrupted.map((id) => arrivals.find((a) => a.webhookId === id && a.at > killedAt)!.at - killedAt)));
        }
      }

      const total = TOTAL;
      await waitFor(async () => {
        const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM webhooks.deliveries WHERE status = 'succeeded'");
        return rows[0].n === total;
      }, "every delivery to succeed", 60_000);

      const { rows: events } = await t.pool.query("SELECT id FROM webhooks.outbox");
      expect(events).to.have.length(total);
      const { rows: attempts } = await t.pool.query(
        "SELECT d.id, d.attempt_count, array_agg(a.attempt_number ORDER BY a.attempt_number) AS numbers FROM webhooks.deliveries d JOIN webhooks.delivery_attempts a ON a.delivery_id = d.id GROUP BY d.id",
      );
      expect(attempts).to.have.length(total);
      for (const row of attempts) expect({ id: row.id, count: row.attempt_count, numbers: row.numbers }).to.deep.equal({ id: row.id, count: 1, numbers: [1] });

      for (const request of receiver.requests) expect(request.headers["webhook-id"]).to.equal(JSON.parse(request.body).id);
      const received = new Set(receiver.requests.map((r) => r.headers["webhook-id"]));
      expect([...received].sort()).to.deep.equal(events.map((e) => e.id).sort());
      const duplicates = receiver.requests.length - received.size;

      expect(recoveries.length, "kills that interrupted at least one delivery").to.be.greaterThan(0);
      // WORKER_HEARTBEAT_MS=300: 3 silent beats + one sweep + one poll ≈ 2.2 s, plus the replacement process's start.
      expect(Math.max(...recoveries)).to.be.below(10_000);
      const locked = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL");
      expect(locked.rows[0].n).to.equal(0);
      console.log(`      ${KILLS} SIGKILLs survived, ${total} events, lost 0, ${duplicates} duplicate requests (same webhook-id); interrupted deliveries resent within ${recoveries.map((ms) => `${ms}`).join(", ")} ms of the kill (replacement started at once)`);
    } finally {
      worker.child.kill("SIGKILL");
      await worker.exited;
    }
  });
});
