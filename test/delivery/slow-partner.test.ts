import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { sleep, waitFor } from "../helpers/wait.ts";

describe("a partner whose endpoint hangs does not starve the others", () => {
  let t: TestDatabase;
  let healthy: Receiver;
  let hanging: Receiver;

  before(async () => {
    t = await createTestDatabase();
    healthy = await Receiver.start();
    hanging = await Receiver.start();
    hanging.respond(() => "hang");
    await createPartner(t.db, "ptn_hangs");
    await setEndpoint(t.db, "ptn_hangs", hanging.url);
    await createPartner(t.db, "ptn_healthy");
    await setEndpoint(t.db, "ptn_healthy", healthy.url);
  });
  after(async () => {
    await healthy.close();
    await hanging.close();
    await t.drop();
  });

  const send = (partnerId: string, subjectId: string) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId, data: { status: "approved" } }));

  async function healthyDeliveryMs(env: Record<string, string>): Promise<number> {
    hanging.reset();
    hanging.respond(() => "hang");
    healthy.reset();
    const worker = await startTestWorker(t, { WORKER_CONCURRENCY: "4", WEBHOOK_TIMEOUT_MS: "1500", WEBHOOK_RETRY_SCHEDULE: "0s", ...env });
    try {
      // Enough hanging attempts (12 events, each retried once at once) to hold all 4 slots for 9 s without a cap.
      for (let i = 0; i < 12; i++) await send("ptn_hangs", `usr_hang_${i}`);
      await hanging.waitForRequests(1);
      await sleep(900);
      const started = Date.now();
      const sent = await Promise.all([1, 2, 3].map((i) => send("ptn_healthy", `usr_ok_${i}`)));
      await healthy.waitForRequests(3, 20_000);
      const elapsed = Date.now() - started;
      for (const { deliveryId } of sent) {
        await waitFor(async () => (await deliveryOf(t.db, deliveryId)).status === "succeeded", "healthy delivery recorded");
      }
      return elapsed;
    } finally {
      await worker.stop();
    }
  }

  it("caps a slow partner's in-flight attempts per process (WORKER_SLOW_PARTNER_SLOTS), deferring the rest without using up attempts", async () => {
    const capped = await healthyDeliveryMs({ WORKER_SLOW_PARTNER_SLOTS: "1" });
    // Slots held by the first burst free up at the 1.5 s timeout; after that the hanging partner holds at most one.
    expect(capped).to.be.below(2500);
    const hangingIds = await t.db.selectFrom("webhooks.deliveries").select(["status", "attempt_count"]).where("partner_id", "=", "ptn_hangs").execute();
    // Deferred attempts are not attempts: nothing was marked failed for lack of a slot.
    for (const d of hangingIds) expect(d.attempt_count).to.be.at.most(2);
  });

  it("without the cap (slots = concurrency) the same load makes healthy partners wait for the hanging one", async () => {
    await t.db.deleteFrom("webhooks.deliveries").execute();
    await t.pool.query("DELETE FROM graphile_worker._private_jobs");
    const uncapped = await healthyDeliveryMs({ WORKER_SLOW_PARTNER_SLOTS: "4" });
    expect(uncapped).to.be.above(2500);
  });
});
