import { PassThrough } from "node:stream";
import { expect } from "chai";
import winston from "winston";
import { startAdminServer } from "../../src/admin/server.ts";
import { createAppContext } from "../../src/context.ts";
import { startWorker } from "../../src/worker/run-worker.ts";
import { Receiver } from "../helpers/receiver.ts";
import { ADMIN_KEY } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";
import { testConfig } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

/** The service's JSON log format at the most verbose level, written to memory instead of stdout. */
function capturingLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (chunk: Buffer) => lines.push(chunk.toString("utf8")));
  const logger = winston.createLogger({
    level: "silly",
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, text: () => lines.join("") };
}

describe("secrets never appear in logs", () => {
  let t: TestDatabase;
  let receiver: Receiver;

  before(async () => {
    t = await createTestDatabase();
    receiver = await Receiver.start();
  });
  after(async () => {
    await receiver.close();
    await t.drop();
  });

  it("a full flow at log level silly: keys, URL set, secret rotated, deliveries, failures, redelivery, revocation", async () => {
    const capture = capturingLogger();
    const ctx = createAppContext(testConfig(t, { ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: "silly" }), capture.logger);
    const server = await startAdminServer(ctx, 0);
    const worker = await startWorker(ctx);
    const call = async (method: string, path: string, key: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    };
    const secrets: string[] = [ADMIN_KEY];
    try {
      await call("POST", "/v1/partners", ADMIN_KEY, { id: "ptn_acme", name: "Acme" });
      const partnerKey = await call("POST", "/v1/api-keys", ADMIN_KEY, { name: "acme", role: "partner", partnerId: "ptn_acme" });
      const supportKey = await call("POST", "/v1/api-keys", ADMIN_KEY, { name: "desk", role: "support" });
      secrets.push(partnerKey.body.key, supportKey.body.key);

      const settings = await call("PUT", "/v1/partners/ptn_acme/webhook", partnerKey.body.key, { url: receiver.url });
      expect(settings.status).to.equal(201);
      secrets.push(settings.body.secret);
      const ping = await call("POST", "/v1/partners/ptn_acme/webhook/test", partnerKey.body.key);
      await receiver.waitForRequests(1);
      const rotated = await call("POST", "/v1/partners/ptn_acme/webhook/secret/rotate", partnerKey.body.key);
      secrets.push(rotated.body.secret);

      receiver.respond((n) => (n === 2 ? { status: 500, body: "down" } : { status: 200 }));
      const mock = await call("POST", "/v1/partners/ptn_acme/mock-events", partnerKey.body.key, { type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } });
      await receiver.waitForRequests(3);
      await waitFor(async () => (await call("GET", `/v1/deliveries/${mock.body.deliveryId}`, supportKey.body.key)).body.status === "succeeded", "the mock event");
      expect((await call("POST", `/v1/deliveries/${ping.body.deliveryId}/redeliver`, supportKey.body.key)).status).to.equal(202);
      await receiver.waitForRequests(4);

      expect((await call("DELETE", `/v1/api-keys/${partnerKey.body.id}`, ADMIN_KEY)).status).to.equal(204);
      expect((await call("GET", "/v1/deliveries", partnerKey.body.key)).status).to.equal(401);
      const guessed = "wo_guessed_key_that_does_not_exist_0123456789";
      secrets.push(guessed);
      expect((await call("GET", "/v1/deliveries", guessed)).status).to.equal(401);
    } finally {
      await worker.stop();
      await server.close();
      await ctx.close();
    }

    const logs = capture.text();
    // The capture saw the flow: request lines with key ids, delivery lines with ids and attempts.
    expect(logs).to.contain('"message":"delivery attempt"').and.contain(`"apiKeyId":"`).and.contain('"partnerId":"ptn_acme"');
    for (const secret of secrets) {
      expect(logs, "a secret or key appears in the logs").not.to.contain(secret);
      // Also the secret's key material without its whsec_/wo_ prefix.
      expect(logs).not.to.contain(secret.replace(/^(whsec_|wo_)/, ""));
    }
    expect(logs).not.to.match(/authorization|bearer/i);
    console.log(`      ${logs.split("\n").length - 1} log lines checked for ${secrets.length} secrets and keys: none found`);
  });
});
