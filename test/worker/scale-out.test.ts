import { expect } from "chai";
import { sql } from "kysely";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import type { TestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait.ts";
import { startWorkerProcess, type ServiceProcess } from "../helpers/service-process.ts";

const EVENTS = 300;

describe("scale-out: several worker processes on one database", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;
  let workers: ServiceProcess[] = [];

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
  });
  after(async () => {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await closeScene();
  });

  it(`two worker processes share ${EVENTS} deliveries and attempt each exactly once`, async () => {
    const inFlight = new Map<string, number>();
    let overlapping = 0;
    receiver.respond((_n, request) => {
      const id = String(request.headers["webhook-id"]);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      if (inFlight.get(id)! > 1) overlapping++;
      setTimeout(() => inFlight.set(id, inFlight.get(id)! - 1), 20);
      return { status: 200, delayMs: 20 };
    });
    workers = [startWorkerProcess(t.url, { WORKER_CONCURRENCY: "5" }), startWorkerProcess(t.url, { WORKER_CONCURRENCY: "5" })];
    await Promise.all(workers.map((worker) => worker.waitForLog("worker started")));

    await sql`
      INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload)
      SELECT 'ptn_acme', 'kyc.status_updated', 'usr_' || n, '{"status":"approved"}'
      FROM generate_series(1, ${EVENTS}) AS n`.execute(t.db);

    await receiver.waitForRequests(EVENTS, 60_000);
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhooks.deliveries WHERE status = 'succeeded'`.execute(t.db);
      return rows[0]!.n === EVENTS;
    }, "every delivery to succeed", 60_000);
    const jobsLeft = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = 'deliver_webhook'`.execute(t.db);
    expect(jobsLeft.rows[0]!.n, "no delivery job left to run").to.equal(0);

    const attempts = await t.db
      .selectFrom("webhooks.delivery_attempts")
      .select(["delivery_id", sql<number>`count(*)::int`.as("n")])
      .groupBy("delivery_id")
      .execute();
    expect(attempts).to.have.length(EVENTS);
    expect(attempts.every((row) => row.n === 1), "one attempt row per delivery").to.equal(true);
    const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
    expect(ids).to.have.length(EVENTS);
    expect(new Set(ids).size, "one request per webhook-id").to.equal(EVENTS);
    expect(overlapping).to.equal(0);

    const attemptsLogged = workers.map((worker) => worker.logs.filter((line) => line.message === "delivery attempt").length);
    expect(attemptsLogged[0]! + attemptsLogged[1]!).to.equal(EVENTS);
    expect(attemptsLogged[0], "the first process delivered some").to.be.greaterThan(0);
    expect(attemptsLogged[1], "the second process delivered some").to.be.greaterThan(0);
    console.log(`      deliveries per process: ${attemptsLogged.join(" + ")}`);

    for (const worker of workers) worker.child.kill("SIGTERM");
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(exits.map((exit) => exit.code)).to.deep.equal([0, 0]);
  });
});
