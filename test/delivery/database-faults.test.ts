import { expect } from "chai";
import pg from "pg";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { PostgresProxy } from "../helpers/postgres-proxy.ts";
import { Receiver } from "../helpers/receiver.ts";
import { startServiceProcess } from "../helpers/service-process.ts";
import { ADMIN_KEY } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { testServerUrl } from "../helpers/test-server.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { sleep, waitFor } from "../helpers/wait.ts";

const EVENTS = 150;
const TERMINATIONS = 6;
const OUTAGE_MS = 2500;

describe("database faults during load: every connection terminated, then the database unreachable", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let proxy: PostgresProxy;
  let admin: pg.Client;

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
    receiver.respond(() => ({ status: 200, delayMs: 20 + Math.floor(Math.random() * 40) }));
    await createPartner(t.db, "ptn_acme");
    await setEndpoint(t.db, "ptn_acme", receiver.url);
    proxy = await PostgresProxy.start(testServerUrl());
    // Connected to the server's own database, so terminating the test database's connections spares it.
    admin = new pg.Client({ connectionString: testServerUrl() });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await proxy.close();
    await receiver.close();
    await t.drop();
  });

  /** pg_terminate_backend on every connection to this test database only; returns how many died. */
  async function terminateAll(): Promise<number> {
    const { rows } = await admin.query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [t.name]);
    return rows[0].n;
  }

  /** Commits one event, retrying with the same idempotency key until the commit is confirmed. */
  async function produce(key: string): Promise<number> {
    for (let tries = 1; ; tries++) {
      try {
        await t.db.transaction().execute((trx) =>
          enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: key, data: { status: "approved" }, idempotencyKey: key }),
        );
        return tries;
      } catch {
        await sleep(20);
      }
    }
  }

  it(`${TERMINATIONS} terminations and a ${OUTAGE_MS} ms outage: worker and API reconnect, /readyz reports the outage, no event lost, no process exits`, async () => {
    const env = { ADMIN_API_KEY: ADMIN_KEY };
    const worker = startServiceProcess("worker", proxy.urlFor(t.url), env);
    const api = startServiceProcess("api", proxy.urlFor(t.url), env);
    const probes: { at: number; service: string; path: string; status: number }[] = [];
    let probing = true;
    try {
      const ports = { api: await api.port, worker: await worker.port };
      const probe = async (service: "api" | "worker", path: string) => {
        // Probes come without a key, as from a load balancer; API calls carry one.
        const headers: Record<string, string> = path === "/readyz" ? {} : { authorization: `Bearer ${ADMIN_KEY}` };
        const response = await fetch(`http://127.0.0.1:${ports[service]}${path}`, { headers }).catch(() => null);
        await response?.arrayBuffer();
        probes.push({ at: Date.now(), service, path, status: response?.status ?? 0 });
      };
      const prober = (async () => {
        while (probing) {
          await Promise.all([probe("api", "/readyz"), probe("worker", "/readyz"), probe("api", "/v1/deliveries?limit=1")]);
          await sleep(50);
        }
      })();
      await waitFor(async () => probes.some((p) => p.service === "worker" && p.status === 200) && probes.some((p) => p.service === "api" && p.path === "/readyz" && p.status === 200), "both processes ready");

      let retriedCommits = 0;
      const producer = (async () => {
        for (let i = 0; i < EVENTS; i++) {
          retriedCommits += (await produce(`evt-key-${i}`)) - 1;
          await sleep(10);
        }
      })();

      let terminated = 0;
      for (let i = 0; i < TERMINATIONS / 2; i++) {
        await sleep(400);
        terminated += await terminateAll();
      }
      const outageStart = Date.now();
      proxy.cut();
      await sleep(OUTAGE_MS);
      proxy.restore();
      const outageEnd = Date.now();
      for (let i = 0; i < TERMINATIONS / 2; i++) {
        await sleep(400);
        terminated += await terminateAll();
      }
      await producer;

      await waitFor(async () => {
        const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM webhooks.deliveries WHERE status = 'succeeded'");
        return rows[0].n === EVENTS;
      }, "every committed event to be delivered", 30_000);
      // Past the last fault, both processes answer normally again.
      await waitFor(async () => probes.some((p) => p.at > outageEnd + 1000 && p.path === "/v1/deliveries?limit=1" && p.status === 200), "the API to answer again");
      probing = false;
      await prober;

      expect({ worker: worker.child.exitCode, api: api.child.exitCode, workerSignal: worker.child.signalCode, apiSignal: api.child.signalCode }, "no process exited").to.deep.equal({ worker: null, api: null, workerSignal: null, apiSignal: null });
      const { rows } = await t.pool.query(
        "SELECT e.idempotency_key AS key, d.status, d.attempt_count, (SELECT count(*)::int FROM webhooks.delivery_attempts a WHERE a.delivery_id = d.id) AS attempts FROM webhooks.outbox e JOIN webhooks.deliveries d ON d.event_id = e.id",
      );
      expect(rows.map((r) => r.key).sort()).to.deep.equal(Array.from({ length: EVENTS }, (_, i) => `evt-key-${i}`).sort());
      const notSucceeded = rows.filter((r) => r.status !== "succeeded");
      expect(notSucceeded, "lost or stuck deliveries").to.deep.equal([]);
      for (const row of rows) expect(row.attempts, row.key).to.equal(row.attempt_count);

      const during = (service: string) => probes.filter((p) => p.service === service && p.path === "/readyz" && p.at > outageStart + 500 && p.at < outageEnd);
      expect(during("api").length).to.be.greaterThan(0);
      expect(during("api").every((p) => p.status === 503), "API /readyz during the outage").to.equal(true);
      expect(during("worker").every((p) => p.status === 503), "worker /readyz during the outage").to.equal(true);
      const calls = probes.filter((p) => p.path !== "/readyz" && p.at > outageStart + 500 && p.at < outageEnd);
      expect(calls.every((p) => p.status === 503), "API calls during the outage answer 503, not 500").to.equal(true);
      const after = probes.filter((p) => p.at > outageEnd + 2000);
      expect(after.every((p) => p.status === 200), JSON.stringify(after.filter((p) => p.status !== 200))).to.equal(true);
      const apiErrors = probes.filter((p) => p.path === "/v1/deliveries?limit=1" && p.status >= 500);
      expect(apiErrors.every((p) => p.status === 503), "database faults answer 503 (retry), never 500").to.equal(true);
      const restarts = worker.logs.filter((l) => l.message === "graphile-worker runner restarted").length;
      console.log(`      worker runner restarted in-process ${restarts}×; ${TERMINATIONS} rounds of pg_terminate_backend (${terminated} connections killed) + one ${OUTAGE_MS} ms outage; ${EVENTS} events, lost 0; producer commits retried ${retriedCommits}×; API calls answered 503 during faults: ${apiErrors.length} of ${probes.filter((p) => p.path !== "/readyz").length}`);
    } finally {
      probing = false;
      worker.child.kill("SIGKILL");
      api.child.kill("SIGKILL");
      await Promise.all([worker.exited, api.exited]);
    }
  });

  it("losing the database while a job's outcome is written ends graphile-worker's runner; the worker starts a new one and the attempt is sent again", async () => {
    const worker = await startTestWorker({ ...t, url: proxy.urlFor(t.url) });
    try {
      const firstPool = worker.workerPoolId;
      // The database goes away while the partner is still answering, so neither the attempt nor the job's failure can be written.
      receiver.respond((n) => (n === 1 ? { status: 200, delayMs: 400 } : { status: 200 }));
      receiver.requests.length = 0;
      const { deliveryId, eventId } = await t.db.transaction().execute((trx) =>
        enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_runner", data: { status: "approved" } }),
      );
      await receiver.waitForRequests(1);
      proxy.cut();
      await sleep(1500);
      proxy.restore();

      const delivery = await waitFor(async () => {
        const d = await deliveryOf(t.db, deliveryId);
        return d.status === "succeeded" && d;
      }, "the delivery to succeed through the new runner");
      expect(worker.workerPoolId, "a new graphile-worker pool").not.to.equal(firstPool);
      expect(delivery.attempt_count).to.equal(1);
      expect((await attemptsOf(t.db, deliveryId)).map((a) => a.attempt_number)).to.deep.equal([1]);
      expect(receiver.requests.map((r) => r.headers["webhook-id"])).to.deep.equal([eventId, eventId]);
      const locked = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL");
      expect(locked.rows[0].n).to.equal(0);
    } finally {
      await worker.stop();
    }
  });
});
