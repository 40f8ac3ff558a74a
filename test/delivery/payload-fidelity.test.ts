import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { Receiver, type ReceivedRequest } from "../helpers/receiver.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

const verify = (secret: string, request: ReceivedRequest) =>
  new Webhook(secret).verify(request.body, {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  });

function nested(depth: number): string {
  return depth === 0 ? '"bottom"' : `{"level":${depth},"next":${nested(depth - 1)}}`;
}

// Written as producers would in plain SQL: escapes, raw and escaped emoji, numbers no double can hold,
// keys out of order, a duplicate key and 200 levels of nesting.
const ODD_JSON = `{
  "status": "approved",
  "escapes": "caf\\u00e9 \\u4e2d\\u6587 \\"quoted\\" back\\\\slash \\n\\t",
  "emoji": "😀 family: 👨‍👩‍👧 flag: 🇪🇺",
  "escapedEmoji": "\\ud83d\\ude00",
  "bigInteger": 123456789012345678901234567890,
  "precise": 0.1000000000000000055511151231257827,
  "trailingZero": 1.10,
  "tiny": -1e-30,
  "zKeyFirst": 1, "aKeyLast": 2, "dup": "first", "dup": "last",
  "rtl": "مرحبا", "combining": "é",
  "deep": ${nested(200)}
}`;

describe("payload fidelity and signature timestamps", () => {
  let t: TestDatabase;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let secret: string;

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
    await createPartner(t.db, "ptn_acme");
    secret = await setEndpoint(t.db, "ptn_acme", receiver.url);
    worker = await startTestWorker(t);
  });
  after(async () => {
    await worker.stop();
    await receiver.close();
    await t.drop();
  });
  beforeEach(() => receiver.reset());

  it("odd JSON inserted with plain SQL reaches the receiver as the same JSON value, every digit kept, signature valid", async () => {
    const { rows } = await t.pool.query(
      "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ('ptn_acme', 'kyc.status_updated', 'usr_odd', $1::jsonb) RETURNING id",
      [ODD_JSON],
    );
    const [request] = await receiver.waitForRequests(1);
    expect(verify(secret, request!)).to.have.property("id", rows[0].id);

    // PostgreSQL compares the received data with what the producer wrote, as jsonb values (exact numerics).
    const same = await t.pool.query("SELECT ($1::jsonb -> 'data') = $2::jsonb AS same", [request!.body, ODD_JSON]);
    expect(same.rows[0].same).to.equal(true);
    for (const digits of ["123456789012345678901234567890", "0.1000000000000000055511151231257827", "1.10"]) {
      expect(request!.body, digits).to.contain(digits);
    }
    const data = JSON.parse(request!.body).data;
    expect(data).to.include({ emoji: "😀 family: 👨‍👩‍👧 flag: 🇪🇺", escapedEmoji: "😀", escapes: 'café 中文 "quoted" back\\slash \n\t', dup: "last", combining: "é" });
    let depth = 0;
    for (let level = data.deep; typeof level === "object"; level = level.next) depth++;
    expect(depth).to.equal(200);
  });

  it("a retry of a 3-day-old event is signed with the attempt's time, so a standardwebhooks receiver (5 min tolerance) verifies it", async () => {
    receiver.respond((n) => (n === 1 ? { status: 503 } : { status: 200 }));
    const occurredAt = new Date(Date.now() - 3 * 24 * 3600_000);
    const { rows } = await t.pool.query(
      "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload, occurred_at) VALUES ('ptn_acme', 'kyc.status_updated', 'usr_old', '{\"status\":\"expired\"}', $1) RETURNING id",
      [occurredAt],
    );
    const requests = await receiver.waitForRequests(2);
    const retry = requests[1]!;
    expect(verify(secret, retry)).to.deep.include({ id: rows[0].id, timestamp: occurredAt.toISOString() });
    expect(Number(retry.headers["webhook-timestamp"])).to.be.closeTo(Date.now() / 1000, 10);

    const { deliveryId } = (await t.db.selectFrom("webhooks.deliveries").select("id as deliveryId").where("event_id", "=", rows[0].id).executeTakeFirstOrThrow());
    await waitFor(async () => (await deliveryOf(t.db, deliveryId)).status === "succeeded", "the retry to be recorded");
    expect((await attemptsOf(t.db, deliveryId)).map((a) => a.response_status)).to.deep.equal([503, 200]);
  });
});
