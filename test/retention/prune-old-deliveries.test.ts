import { expect } from "chai";
import { sql } from "kysely";
import type { DeliveryStatus } from "../../src/db/types.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { pruneOldDeliveries } from "../../src/retention/prune-old-deliveries.ts";
import { PRUNE_TASK } from "../../src/retention/prune-task.ts";
import { createPartner } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

describe("retention: pruning old attempts and finished events", () => {
  let t: TestDatabase;

  before(async () => {
    t = await createTestDatabase();
    await createPartner(t.db, "ptn_acme");
  });
  after(() => t.drop());
  beforeEach(() => sql`TRUNCATE webhooks.outbox CASCADE`.execute(t.db));

  const daysAgo = (days: number) => sql<Date>`now() - make_interval(days => ${days})`;

  /** An event (no endpoint, so no job is queued) whose delivery is then set to the given state and age. */
  async function event(status: DeliveryStatus, completedDaysAgo: number | null, attemptDaysAgo: number[] = []): Promise<string> {
    const { eventId, deliveryId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
    );
    await t.db
      .updateTable("webhooks.deliveries")
      .set({ status, attempt_count: attemptDaysAgo.length, completed_at: completedDaysAgo === null ? null : daysAgo(completedDaysAgo) })
      .where("id", "=", deliveryId)
      .execute();
    for (const [index, age] of attemptDaysAgo.entries()) {
      await t.db
        .insertInto("webhooks.delivery_attempts")
        .values({ delivery_id: deliveryId, attempt_number: index + 1, trigger: "initial", started_at: daysAgo(age), duration_ms: 5, url: "https://example.com/hook" })
        .execute();
    }
    return eventId;
  }

  async function remaining() {
    const events = await t.db.selectFrom("webhooks.outbox").select("id").execute();
    const attempts = await t.db
      .selectFrom("webhooks.delivery_attempts as a")
      .innerJoin("webhooks.deliveries as d", "d.id", "a.delivery_id")
      .select(["d.event_id", "a.attempt_number"])
      .orderBy("d.event_id")
      .orderBy("a.attempt_number")
      .execute();
    return { events: events.map((e) => e.id).sort(), attempts: attempts.map((a) => `${a.event_id}#${a.attempt_number}`) };
  }

  it("removes finished events older than the age with their delivery and attempts, keeps recent and pending ones", async () => {
    const oldSucceeded = await event("succeeded", 40, [40, 40]);
    const oldFailed = await event("failed", 31, [32, 31]);
    const oldSkipped = await event("skipped", 45);
    const recent = await event("succeeded", 10, [10]);
    const pendingForMonths = await event("pending", null, [90, 60]);
    const redeliveredLately = await event("succeeded", 2, [50, 2]);

    const result = await pruneOldDeliveries(t.db, 30);

    expect(result).to.deep.equal({ events: 3, attempts: 1, complete: true });
    const left = await remaining();
    expect(left.events).to.deep.equal([recent, pendingForMonths, redeliveredLately].sort());
    expect(left.events).to.not.include.members([oldSucceeded, oldFailed, oldSkipped]);
    expect(left.attempts).to.have.members([`${recent}#1`, `${pendingForMonths}#1`, `${pendingForMonths}#2`, `${redeliveredLately}#2`]);
    const deliveries = await t.db.selectFrom("webhooks.deliveries").select("event_id").execute();
    expect(deliveries.map((d) => d.event_id).sort()).to.deep.equal(left.events);
  });

  it("deletes in batches and stops after maxBatches, leaving the rest for the next run", async () => {
    for (let i = 0; i < 7; i++) await event("skipped", 40);
    const kept = await event("skipped", 1);

    expect(await pruneOldDeliveries(t.db, 30, { batchSize: 2, maxBatches: 2 })).to.deep.equal({ events: 4, attempts: 0, complete: false });
    expect((await remaining()).events).to.have.length(4);
    expect(await pruneOldDeliveries(t.db, 30, { batchSize: 2, maxBatches: 10 })).to.deep.equal({ events: 3, attempts: 0, complete: true });
    expect((await remaining()).events).to.deep.equal([kept]);
  });

  it("runs as a graphile-worker task scheduled by cron, with RETENTION_DAYS", async () => {
    await event("succeeded", 8, [8]);
    const kept = await event("succeeded", 6, [6]);
    const worker = await startTestWorker(t, { RETENTION_DAYS: "7" });
    try {
      const crontab = await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(t.db);
      expect(crontab.rows.map((row) => row.identifier)).to.include(PRUNE_TASK);
      await sql`SELECT graphile_worker.add_job(${PRUNE_TASK}, '{}'::json)`.execute(t.db);
      await waitFor(async () => (await remaining()).events.length === 1, "the prune job to run");
      expect(await remaining()).to.deep.equal({ events: [kept], attempts: [`${kept}#1`] });
    } finally {
      await worker.stop();
    }
  });
});
