import type { DeliveryForAttempt } from "./load-delivery.ts";
import { signatureHeader } from "./signing.ts";

const USER_AGENT = "webhook-outbox/0.1 (+https://www.standardwebhooks.com)";

/**
 * The JSON body partners receive: {"id","type","timestamp","data"}, timestamp = occurred_at. `data` is
 * spliced in as PostgreSQL's text of the jsonb payload, so numbers keep every digit.
 */
export function webhookBody(delivery: Pick<DeliveryForAttempt, "eventId" | "eventType" | "occurredAt" | "payloadJson">): string {
  const envelope = JSON.stringify({ id: delivery.eventId, type: delivery.eventType, timestamp: delivery.occurredAt.toISOString() });
  return `${envelope.slice(0, -1)},"data":${delivery.payloadJson}}`;
}

/** Signing secrets in force now: the current one, plus the previous one during its 24 h overlap. */
export function activeSecrets(delivery: Pick<DeliveryForAttempt, "secret" | "previousSecret" | "previousSecretExpiresAt">, now: Date): string[] {
  const secrets = [delivery.secret!];
  if (delivery.previousSecret && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > now) {
    secrets.push(delivery.previousSecret);
  }
  return secrets;
}

/** Standard Webhooks headers; webhook-id is the event id, the same on every retry and redelivery. */
export function webhookHeaders(eventId: string, body: string, secrets: readonly string[], now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    "webhook-id": eventId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatureHeader(secrets, eventId, timestamp, body),
  };
}
