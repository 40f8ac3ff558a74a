import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { sleep, waitFor } from "../helpers/wait.ts";

describe("skipped deliveries: recorded, never silently dropped", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
    worker = await startTestWorker(t);
  });
  after(async () => {
    await worker.stop();
    await receiver.close();
    await t.drop();
  });

  const kycEvent = (partnerId: string) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }));

  for (const [name, setUp, reason] of [
    ["no endpoint", async () => undefined, "no_endpoint"],
    ["a disabled endpoint", (p: string) => setEndpoint(t.db, p, receiver.url, { enabled: false }), "endpoint_disabled"],
    ["an unsubscribed type", (p: string) => setEndpoint(t.db, p, receiver.url, { eventTypes: ["transaction.status_updated"] }), "event_type_not_subscribed"],
  ] as const) {
    it(`records a skipped delivery for ${name}`, async () => {
      const partnerId = `ptn_${reason}`;
      await createPartner(t.db, partnerId);
      await setUp(partnerId);
      const { deliveryId } = await kycEvent(partnerId);
      const delivery = await deliveryOf(t.db, deliveryId);
      expect(delivery).to.include({ status: "skipped", skip_reason: reason, attempt_count: 0 });
      expect(delivery.completed_at).to.be.instanceOf(Date);
      const jobs = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'deliveryId' = $1", [deliveryId]);
      expect(jobs.rows[0].n).to.equal(0);
    });
  }

  it("a subscribed type is delivered, and pings ignore the type filter", async () => {
    await createPartner(t.db, "ptn_filtered");
    await setEndpoint(t.db, "ptn_filtered", receiver.url, { eventTypes: ["kyc.status_updated"] });
    await kycEvent("ptn_filtered");
    await t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_filtered", type: "webhook.test", subjectId: "ptn_filtered", data: {} }));
    await receiver.waitForRequests(2);
    expect(receiver.requests.map((r) => JSON.parse(r.body).type).sort()).to.deep.equal(["kyc.status_updated", "webhook.test"]);
  });

  it("an endpoint removed while the delivery waits turns it into skipped at attempt time", async () => {
    await createPartner(t.db, "ptn_removed");
    await setEndpoint(t.db, "ptn_removed", receiver.url);
    await worker.stop();
    const { deliveryId } = await kycEvent("ptn_removed");
    await t.db.deleteFrom("webhooks.endpoints").where("partner_id", "=", "ptn_removed").execute();
    worker = await startTestWorker(t);
    const delivery = await waitFor(async () => {
      const d = await deliveryOf(t.db, deliveryId);
      return d.status !== "pending" && d;
    }, "the delivery to leave pending");
    expect(delivery).to.include({ status: "skipped", skip_reason: "no_endpoint" });
    expect(await attemptsOf(t.db, deliveryId)).to.have.length(0);
    await sleep(200);
    expect(receiver.requests.filter((r) => JSON.parse(r.body).id === delivery.event_id)).to.have.length(0);
  });
});
