import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";

/** A new Standard Webhooks signing secret: "whsec_" + base64 of 24 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString("base64");
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/**
 * The `webhook-signature` header value per Standard Webhooks: "v1,<base64 HMAC-SHA256 of id.timestamp.body>"
 * for each secret, space-separated (two during a rotation).
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestampSeconds: number, body: string): string {
  const signedContent = `${messageId}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac("sha256", secretKey(secret)).update(signedContent).digest("base64")}`).join(" ");
}
