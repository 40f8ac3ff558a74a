import { expect } from "chai";
import { enqueueEvent, OutboxInputError } from "../../src/outbox/index.ts";
import { MAX_PAYLOAD_BYTES } from "../../src/outbox/enqueue-event.ts";
import { createPartner } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

/** Runs `text` as plain SQL and returns the error PostgreSQL raised, or null. */
async function sqlError(t: TestDatabase, text: string, values: unknown[] = []): Promise<{ message: string; constraint?: string } | null> {
  try {
    await t.pool.query(text, values);
    return null;
  } catch (error) {
    return error as { message: string; constraint?: string };
  }
}

const insertSql = "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ('ptn_acme', 'kyc.status_updated', 'usr_1', $1::jsonb)";

describe("payload limits and text PostgreSQL cannot store", () => {
  let t: TestDatabase;

  before(async () => {
    t = await createTestDatabase();
    await createPartner(t.db, "ptn_acme");
  });
  after(() => t.drop());

  const enqueue = (data: Record<string, unknown>) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId: "ptn_acme", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved", ...data } }));
  const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: Error) => error);

  it("enqueueEvent refuses data over 1 MiB with an error that states the limit", async () => {
    const error = await refusal(enqueue({ blob: "x".repeat(MAX_PAYLOAD_BYTES) }));
    expect(error).to.be.instanceOf(OutboxInputError);
    expect(error!.message).to.match(/data is \d+ bytes as JSON; the limit is 1048576 bytes/);
  });

  it("a plain SQL insert over 1 MiB is refused by the constraint outbox_payload_at_most_1mib; one under it is accepted", async () => {
    const big = JSON.stringify({ status: "approved", blob: "x".repeat(MAX_PAYLOAD_BYTES) });
    const error = await sqlError(t, insertSql, [big]);
    expect(error?.constraint).to.equal("outbox_payload_at_most_1mib");
    expect(error?.message).to.contain("outbox_payload_at_most_1mib");
    expect(await sqlError(t, insertSql, [JSON.stringify({ status: "approved", blob: "x".repeat(MAX_PAYLOAD_BYTES - 100) })])).to.equal(null);
  });

  it("data under 1 MiB as compact JSON but over it as PostgreSQL renders it is refused by enqueueEvent with a clear error", async () => {
    // 400 000 ones: "1,1,…" is 0.8 MB compact; jsonb renders "1, 1, …", 1.2 MB.
    const error = await refusal(enqueue({ items: new Array(400_000).fill(1) }));
    expect(error).to.be.instanceOf(OutboxInputError);
    expect(error!.message).to.contain("larger than 1048576 bytes as PostgreSQL stores it");
  });

  it("refuses NUL characters and unpaired surrogates by path in enqueueEvent; PostgreSQL refuses them and invalid UTF-8 in plain SQL", async () => {
    for (const [data, path] of [
      [{ reason: "a\u0000b" }, "data.reason"],
      [{ nested: { list: ["ok", "\ud800"] } }, "data.nested.list.1"],
      [{ ["key\udc00"]: 1 }, "data.key\udc00"],
    ] as const) {
      const error = await refusal(enqueue(data));
      expect(error, path).to.be.instanceOf(OutboxInputError);
      expect(error!.message).to.equal(`${path} holds a NUL character or an unpaired UTF-16 surrogate, which PostgreSQL cannot store`);
    }
    expect((await sqlError(t, insertSql, ['{"status":"approved","reason":"\\u0000"}']))?.message).to.contain("unsupported Unicode escape sequence");
    expect((await sqlError(t, insertSql, ['{"status":"approved","reason":"\\ud800"}']))?.message).to.contain("invalid input syntax for type json");
    const invalidUtf8 = "INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload) VALUES ('ptn_acme', 'kyc.status_updated', 'usr_1', jsonb_build_object('reason', convert_from('\\xff'::bytea, 'UTF8')))";
    expect((await sqlError(t, invalidUtf8))?.message).to.contain("invalid byte sequence for encoding \"UTF8\"");
    const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM webhooks.outbox WHERE payload ? 'reason' OR payload ? 'nested'");
    expect(rows[0].n, "nothing refused was stored").to.equal(0);
  });
});
