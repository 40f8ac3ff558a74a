import { expect } from "chai";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { enqueueEvent, OutboxInputError } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { sleep, waitFor } from "../helpers/wait.ts";

async function jobCount(t: TestDatabase): Promise<number> {
  const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
  return rows[0].n;
}

describe("write path: outbox insert → delivery → signed request", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let secret: string;

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
    await createPartner(t.db, "ptn_acme");
    secret = await setEndpoint(t.db, "ptn_acme", receiver.url);
    await t.pool.query("CREATE TABLE public.kyc_cases (id text PRIMARY KEY, status text NOT NULL)");
    await t.pool.query("INSERT INTO public.kyc_cases VALUES ('usr_42', 'pending')");
    worker = await startTestWorker(t);
  });
  after(async () => {
    await worker.stop();
    await receiver.close();
    await t.drop();
  });
  beforeEach(() => receiver.reset());

  it("commit of the SPEC's plain SQL sends exactly one request that standardwebhooks verifies", async () => {
    const client = await t.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("UPDATE kyc_cases SET status = 'approved' WHERE id = 'usr_42'");
      await client.query(`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload, idempotency_key)
        VALUES ('ptn_acme', 'kyc.status_updated', 'usr_42', '{"status":"approved"}', 'kyc-usr_42-v3')
        ON CONFLICT (partner_id, idempotency_key) DO NOTHING`);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const [request] = await receiver.waitForRequests(1);
    const event = await t.db.selectFrom("webhooks.outbox").selectAll().where("idempotency_key", "=", "kyc-usr_42-v3").executeTakeFirstOrThrow();

    const verified = new Webhook(secret).verify(request!.body, {
      "webhook-id": String(request!.headers["webhook-id"]),
      "webhook-timestamp": String(request!.headers["webhook-timestamp"]),
      "webhook-signature": String(request!.headers["webhook-signature"]),
    });
    expect(verified).to.deep.equal({ id: event.id, type: "kyc.status_updated", timestamp: event.occurred_at.toISOString(), data: { status: "approved" } });
    expect(request!.headers["webhook-id"]).to.equal(event.id);
    expect(request!.method).to.equal("POST");
    expect(request!.headers["content-type"]).to.equal("application/json");
    expect(Object.keys(JSON.parse(request!.body))).to.deep.equal(["id", "type", "timestamp", "data"]);

    const delivery = await t.db.selectFrom("webhooks.deliveries").selectAll().where("event_id", "=", event.id).executeTakeFirstOrThrow();
    await waitFor(async () => (await deliveryOf(t.db, delivery.id)).status === "succeeded", "delivery to succeed");
    const attempts = await attemptsOf(t.db, delivery.id);
    expect(attempts).to.have.length(1);
    expect(attempts[0]).to.include({ attempt_number: 1, trigger: "initial", response_status: 200, response_body: "ok", error_code: null });
    await sleep(500);
    expect(receiver.requests).to.have.length(1);
  });

  it("rollback leaves no event, no delivery, no job, and nothing is ever sent", async () => {
    const jobsBefore = await jobCount(t);
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`UPDATE kyc_cases SET status = 'rejected' WHERE id = 'usr_42'`.execute(trx);
        await enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_42", data: { status: "rejected" }, idempotencyKey: "rolled-back" });
        throw new Error("the caller's own change failed");
      })
      .catch(() => undefined);
    await sleep(1500);
    expect(receiver.requests).to.have.length(0);
    expect(await t.db.selectFrom("webhooks.outbox").select("id").where("idempotency_key", "=", "rolled-back").execute()).to.have.length(0);
    expect(await jobCount(t)).to.equal(jobsBefore);
    const { rows } = await t.pool.query("SELECT status FROM kyc_cases WHERE id = 'usr_42'");
    expect(rows[0].status).to.equal("approved");
  });

  it("enqueueEvent in a Kysely transaction returns ids and delivers", async () => {
    const result = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_acme", type: "transaction.status_updated", subjectId: "txn_1", data: { status: "completed", amount: "12.50", currency: "EUR" }, idempotencyKey: "txn_1-completed" }),
    );
    expect(result.eventId).to.match(/^evt_/);
    expect(result.deliveryId).to.match(/^dlv_/);
    expect(result.duplicate).to.equal(false);
    const [request] = await receiver.waitForRequests(1);
    expect(request!.headers["webhook-id"]).to.equal(result.eventId);
    expect(JSON.parse(request!.body).data).to.deep.equal({ status: "completed", amount: "12.50", currency: "EUR" });
  });

  it("enqueueEvent with a pg client inside BEGIN/COMMIT delivers", async () => {
    const client = await t.pool.connect();
    let result;
    try {
      await client.query("BEGIN");
      result = await enqueueEvent(client, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_7", data: { status: "in_review" } });
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const [request] = await receiver.waitForRequests(1);
    expect(request!.headers["webhook-id"]).to.equal(result.eventId);
  });

  it("a duplicate idempotency key yields one event, one delivery and one request", async () => {
    const input = { partnerId: "ptn_acme", type: "kyc.status_updated" as const, subjectId: "usr_9", data: { status: "approved" as const }, idempotencyKey: "kyc-usr_9-v1" };
    const first = await t.db.transaction().execute((trx) => enqueueEvent(trx, input));
    const second = await t.db.transaction().execute((trx) => enqueueEvent(trx, { ...input, data: { status: "rejected" } }));
    await t.pool.query(`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload, idempotency_key)
      VALUES ('ptn_acme', 'kyc.status_updated', 'usr_9', '{"status":"expired"}', 'kyc-usr_9-v1') ON CONFLICT (partner_id, idempotency_key) DO NOTHING`);
    expect(second).to.deep.equal({ ...first, duplicate: true });
    const events = await t.db.selectFrom("webhooks.outbox").select("id").where("idempotency_key", "=", "kyc-usr_9-v1").execute();
    expect(events).to.have.length(1);
    await receiver.waitForRequests(1);
    await sleep(500);
    expect(receiver.requests).to.have.length(1);
    expect(JSON.parse(receiver.requests[0]!.body).data.status).to.equal("approved");
  });

  it("refuses an unknown partner, an unknown type and invalid data with errors that say what is wrong", async () => {
    const attempt = (input: Parameters<typeof enqueueEvent>[1]) => t.db.transaction().execute((trx) => enqueueEvent(trx, input));
    const errors = await Promise.all([
      attempt({ partnerId: "ptn_nobody", type: "kyc.status_updated", subjectId: "u", data: { status: "approved" } }).catch((e) => e),
      attempt({ partnerId: "ptn_acme", type: "kyc.deleted" as never, subjectId: "u", data: {} }).catch((e) => e),
      attempt({ partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "u", data: { status: "maybe" } as never }).catch((e) => e),
    ]);
    expect(errors[0]).to.be.instanceOf(OutboxInputError);
    expect(errors[0].message).to.contain('unknown partner "ptn_nobody"');
    expect(errors[1]).to.be.instanceOf(OutboxInputError);
    expect(errors[1].message).to.contain("type").and.contain("kyc.status_updated");
    expect(errors[2]).to.be.instanceOf(OutboxInputError);
    expect(errors[2].message).to.contain("data.status");
  });

  it("plain SQL with an unknown partner or event type fails in the database, naming the constraint", async () => {
    const unknownPartner = await t.pool
      .query(`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ('ptn_nobody', 'kyc.status_updated', 'u', '{}')`)
      .catch((e) => e);
    expect(unknownPartner.constraint).to.equal("outbox_partner_must_exist");
    const unknownType = await t.pool
      .query(`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ('ptn_acme', 'kyc.deleted', 'u', '{}')`)
      .catch((e) => e);
    expect(unknownType.constraint).to.equal("outbox_event_type_known");
  });
});
