import { expect } from "chai";
import { sql } from "kysely";
import { envToConfig } from "../../src/config.ts";
import { DEFAULT_RETRY_SCHEDULE, delayAfterFailedAttempt, parseRetrySchedule } from "../../src/delivery/retry-schedule.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

const MINUTE = 60_000;

describe("retry schedule", () => {
  it("the default is attempt 1 at commit, then 0s, 1m, 5m, 10m, 15m: six attempts", () => {
    const schedule = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
    expect(schedule).to.deep.equal([0, 1 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE]);
    expect([1, 2, 3, 4, 5, 6].map((n) => delayAfterFailedAttempt(schedule, n))).to.deep.equal([0, MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, null]);
    expect(envToConfig({}).retryScheduleMs).to.deep.equal(schedule);
  });

  it("parses ms, s, m and h and names a bad entry", () => {
    expect(parseRetrySchedule("250ms, 2s,3m,1h")).to.deep.equal([250, 2000, 180_000, 3_600_000]);
    expect(() => parseRetrySchedule("1m,five")).to.throw('"five" is not a delay');
    expect(() => envToConfig({ WEBHOOK_RETRY_SCHEDULE: "1m,-5s" })).to.throw(/WEBHOOK_RETRY_SCHEDULE: "-5s" is not a delay/);
  });

  describe("with the default schedule against a real database (time moved by rewriting run_at, not by waiting)", () => {
    let t: TestDatabase;
    let receiver: Receiver;
    let worker: Awaited<ReturnType<typeof startTestWorker>>;

    before(async () => {
      t = await createTestDatabase();
      receiver = await Receiver.start();
      receiver.respond(() => ({ status: 500 }));
      await createPartner(t.db, "ptn_acme");
      await setEndpoint(t.db, "ptn_acme", receiver.url);
      worker = await startTestWorker(t, { WEBHOOK_RETRY_SCHEDULE: DEFAULT_RETRY_SCHEDULE });
    });
    after(async () => {
      await worker.stop();
      await receiver.close();
      await t.drop();
    });

    it("each failed attempt schedules the next job at end of attempt + 0s, 1m, 5m, 10m, 15m, then fails", async () => {
      const { deliveryId } = await t.db.transaction().execute((trx) =>
        enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
      );
      const offsets: number[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        const recorded = await waitFor(async () => (await attemptsOf(t.db, deliveryId))[attempt - 1], `attempt ${attempt}`);
        if (attempt === 6) {
          expect(recorded.next_attempt_at).to.equal(null);
          break;
        }
        const endOfAttempt = recorded.started_at.getTime() + recorded.duration_ms;
        offsets.push(Math.round((recorded.next_attempt_at!.getTime() - endOfAttempt) / 1000));
        // After attempt 1 the next job is due at once and may already have run; later ones wait minutes.
        if (attempt > 1) {
          const { rows } = await sql<{ run_at: Date }>`SELECT run_at FROM graphile_worker._private_jobs WHERE payload->>'deliveryId' = ${deliveryId} AND (payload->>'attempt')::int = ${attempt + 1}`.execute(t.db);
          expect(rows, `job for attempt ${attempt + 1}`).to.have.length(1);
          expect(rows[0]!.run_at.getTime()).to.equal(recorded.next_attempt_at!.getTime());
          expect((await deliveryOf(t.db, deliveryId)).next_attempt_at!.getTime()).to.equal(recorded.next_attempt_at!.getTime());
          // Move time instead of waiting minutes: make the scheduled job due now.
          await sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE payload->>'deliveryId' = ${deliveryId} AND (payload->>'attempt')::int = ${attempt + 1}`.execute(t.db);
        }
      }
      // Seconds between the end of an attempt and the next run_at (±1 s for clock rounding).
      expect(offsets).to.have.length(5);
      for (const [i, o] of offsets.entries()) expect(Math.abs(o - [0, 60, 300, 600, 900][i]!), `offset after attempt ${i + 1}: ${o}s`).to.be.at.most(1);
      expect(await deliveryOf(t.db, deliveryId)).to.include({ status: "failed", attempt_count: 6 });
    });
  });
});
