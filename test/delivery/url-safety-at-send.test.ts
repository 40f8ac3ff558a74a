import type { lookup } from "node:dns";
import { expect } from "chai";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { attemptsOf, createPartner, deliveryOf, setEndpoint } from "../helpers/fixtures.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

const STRICT = { WEBHOOK_ALLOW_PRIVATE_URLS: "false", WEBHOOK_RETRY_SCHEDULE: "" };

describe("URL safety at send time: refused targets are recorded on the attempt with the reason", () => {
  let t: TestDatabase;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  // The name answers with a public address while the URL is set, then (rebinding) with a private one.
  let answer = "93.184.216.34";
  const rebindingResolver = ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) =>
    callback(null, [{ address: answer, family: answer.includes(":") ? 6 : 4 }])) as unknown as typeof lookup;

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t, STRICT, rebindingResolver);
    worker = await startTestWorker(t, STRICT, rebindingResolver);
  });
  after(async () => {
    await worker.stop();
    await api.close();
    await t.drop();
  });

  async function firstAttempt(partnerId: string) {
    const { deliveryId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId, type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
    );
    await waitFor(async () => (await deliveryOf(t.db, deliveryId)).status === "failed", `the delivery to ${partnerId} to be refused`);
    const [attempt, ...more] = await attemptsOf(t.db, deliveryId);
    expect(more).to.have.length(0);
    return attempt!;
  }

  it("a name that resolved publicly when set and privately at send time is refused as blocked_address", async () => {
    await api.post("/v1/partners", { id: "ptn_rebind", name: "Rebind" });
    answer = "93.184.216.34";
    expect((await api.put("/v1/partners/ptn_rebind/webhook", { url: "https://hooks.partner.example/in" })).status).to.equal(201);
    for (const [privateAnswer, reason] of [
      ["10.0.0.7", "hooks.partner.example resolves to 10.0.0.7 is a private network address (RFC 1918)"],
      ["169.254.169.254", "hooks.partner.example resolves to 169.254.169.254 is the cloud metadata service address"],
      ["::ffff:127.0.0.1", "is a loopback address"],
    ]) {
      answer = privateAnswer!;
      const attempt = await firstAttempt("ptn_rebind");
      expect({ errorCode: attempt.error_code, responseStatus: attempt.response_status }).to.deep.equal({ errorCode: "blocked_address", responseStatus: null });
      expect(attempt.error_message).to.contain(reason);
    }
  });

  it("private URLs written to the database directly (not through the API) are refused at send time with the reason", async () => {
    for (const [partnerId, url, reason] of [
      ["ptn_direct_loopback", "https://0x7f000001/hook", "127.0.0.1 is a loopback address"],
      ["ptn_direct_metadata", "https://[::ffff:169.254.169.254]/latest/meta-data", "(IPv4 169.254.169.254 embedded in IPv6) is the cloud metadata service address"],
      ["ptn_direct_http", "http://partner.example/hook", "plain http:// is refused"],
    ] as const) {
      await createPartner(t.db, partnerId);
      await setEndpoint(t.db, partnerId, url);
      const attempt = await firstAttempt(partnerId);
      expect(attempt.error_code, url).to.equal(url.startsWith("http:") ? "invalid_url" : "blocked_address");
      expect(attempt.error_message, url).to.contain(reason);
    }
  });
});
