import { expect } from "chai";
import { startAdminServer } from "../../src/admin/server.ts";
import { createAppContext } from "../../src/context.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { startWorker } from "../../src/worker/run-worker.ts";
import { deliveryOf } from "../helpers/fixtures.ts";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import { silentLogger, type TestDatabase } from "../helpers/test-database.ts";
import { testConfig } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

describe("observability: /metrics", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
  });
  after(async () => {
    await closeScene();
  });

  it("counts attempts by partner and outcome, times them, and reports queue depth, lag and API latency", async () => {
    const ctx = createAppContext(testConfig(t, { WEBHOOK_RETRY_SCHEDULE: "0s,1h" }), silentLogger);
    const worker = await startWorker(ctx);
    const server = await startAdminServer(ctx, 0);
    try {
      receiver.respond((n) => (n === 1 ? { status: 200 } : { status: 503 }));
      const ok = await t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "u1", data: { status: "approved" } }));
      await waitFor(async () => (await deliveryOf(t.db, ok.deliveryId)).status === "succeeded", "first delivery");
      const retrying = await t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "u2", data: { status: "approved" } }));
      // Attempts 1 and 2 fail; attempt 3 waits an hour: one delivery scheduled, none due.
      await waitFor(async () => (await deliveryOf(t.db, retrying.deliveryId)).attempt_count === 2, "two failed attempts");

      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.contain("text/plain");
      const text = await response.text();
      expect(text).to.contain('webhook_delivery_attempts_total{partner_id="ptn_acme",outcome="succeeded",error_code=""} 1');
      expect(text).to.contain('webhook_delivery_attempts_total{partner_id="ptn_acme",outcome="retry_scheduled",error_code="http_status"} 2');
      expect(text).to.match(/webhook_delivery_attempt_duration_seconds_count\{outcome="succeeded"\} 1/);
      expect(text).to.contain('webhook_pending_deliveries{state="scheduled"} 1');
      expect(text).to.contain('webhook_pending_deliveries{state="due"} 0');
      expect(text).to.contain("webhook_oldest_due_delivery_age_seconds 0");
      expect(text).to.contain("process_resident_memory_bytes");

      await fetch(`http://127.0.0.1:${server.port}/healthz`);
      const again = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(again).to.match(/webhook_api_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    } finally {
      await server.close();
      await worker.stop();
      await ctx.close();
    }
  });
});
