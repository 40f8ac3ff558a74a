import { expect } from "chai";
import type { JobHelpers } from "graphile-worker";
import { createDb, createPool } from "../../src/db/connection.ts";
import { createDeliverWebhookTask } from "../../src/delivery/deliver-webhook-task.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, deliveryOf } from "../helpers/fixtures.ts";
import { createPartnerScene } from "../helpers/partner-scene.ts";
import { Receiver } from "../helpers/receiver.ts";
import { silentLogger, type TestDatabase } from "../helpers/test-database.ts";
import { testConfig } from "../helpers/test-worker.ts";

describe("a delivery job that runs twice (graphile-worker retry, crash recovery)", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let closeScene: () => Promise<void>;

  before(async () => {
    ({ t, receiver, close: closeScene } = await createPartnerScene());
  });
  after(async () => {
    await closeScene();
  });

  it("two concurrent runs of the same attempt record it once; a later run does nothing", async () => {
    // No worker runs here: the test plays graphile-worker and runs the task itself.
    const task = createDeliverWebhookTask({ db: t.db, config: testConfig(t), logger: silentLogger });
    const { deliveryId, eventId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
    );
    const payload = { deliveryId, attempt: 1, trigger: "initial" };
    // A slow answer keeps both runs in flight together: both send, only one may record.
    receiver.respond(() => ({ status: 200, delayMs: 300 }));
    await Promise.all([task(payload, {} as JobHelpers), task(payload, {} as JobHelpers)]);

    expect(receiver.requests.map((r) => r.headers["webhook-id"])).to.deep.equal([eventId, eventId]);
    expect((await attemptsOf(t.db, deliveryId)).map((a) => a.attempt_number)).to.deep.equal([1]);
    expect(await deliveryOf(t.db, deliveryId)).to.include({ status: "succeeded", attempt_count: 1 });

    await task(payload, {} as JobHelpers);
    expect(receiver.requests).to.have.length(2);
    expect(await attemptsOf(t.db, deliveryId)).to.have.length(1);
  });

  it("a run whose recording fails (database unreachable) throws, so graphile-worker retries the same attempt number", async () => {
    const { deliveryId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_2", data: { status: "approved" } }),
    );
    const pool = createPool(t.url, 2, silentLogger);
    const db = createDb(pool);
    const task = createDeliverWebhookTask({ db, config: testConfig(t), logger: silentLogger });
    receiver.respond(() => ({ status: 200, delayMs: 300 }));
    // The task's database goes away while the partner is answering.
    setTimeout(() => void pool.end(), 100);
    const error = await Promise.resolve(task({ deliveryId, attempt: 1, trigger: "initial" }, {} as JobHelpers)).then(() => null, (e: Error) => e);
    expect(error, "the task must throw when it cannot record").to.be.instanceOf(Error);
    expect(await attemptsOf(t.db, deliveryId)).to.have.length(0);
    expect(await deliveryOf(t.db, deliveryId)).to.include({ status: "pending", attempt_count: 0 });

    const retry = createDeliverWebhookTask({ db: t.db, config: testConfig(t), logger: silentLogger });
    await retry({ deliveryId, attempt: 1, trigger: "initial" }, {} as JobHelpers);
    expect((await attemptsOf(t.db, deliveryId)).map((a) => a.attempt_number)).to.deep.equal([1]);
  });
});
