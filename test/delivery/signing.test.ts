import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { generateSecret } from "../../src/delivery/signing.ts";
import { activeSecrets, webhookHeaders } from "../../src/delivery/webhook-request.ts";

describe("signing (Standard Webhooks)", () => {
  const body = JSON.stringify({ id: "evt_1", type: "kyc.status_updated", timestamp: "2026-01-01T00:00:00.000Z", data: { status: "approved" } });

  it("generates whsec_ secrets of 24 random bytes", () => {
    const secret = generateSecret();
    expect(secret).to.match(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(generateSecret()).not.to.equal(secret);
  });

  it("during a rotation both secrets sign, and a receiver holding either one verifies", () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const now = new Date();
    const secrets = activeSecrets({ secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: new Date(now.getTime() + 86_400_000) }, now);
    const headers = webhookHeaders("evt_1", body, secrets, now);
    expect(headers["webhook-signature"]!.split(" ")).to.have.length(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(new Webhook(secret).verify(body, headers)).to.deep.equal(JSON.parse(body));
    }
    expect(() => new Webhook(generateSecret()).verify(body, headers)).to.throw();
  });

  it("an expired previous secret no longer signs", () => {
    const now = new Date();
    const secrets = activeSecrets({ secret: "whsec_new", previousSecret: "whsec_old", previousSecretExpiresAt: new Date(now.getTime() - 1) }, now);
    expect(secrets).to.deep.equal(["whsec_new"]);
  });
});
