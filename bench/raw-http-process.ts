// Child process: the HTTP baseline. POSTs signed webhook-shaped bodies with the delivery path's own
// client (sendWebhook: node:http keep-alive agent) at the worker's concurrency, no database at all.
import { sendWebhook } from "../src/delivery/http-sender.ts";
import { generateSecret } from "../src/delivery/signing.ts";
import { webhookHeaders } from "../src/delivery/webhook-request.ts";
import { nowMs } from "./clock.ts";
import { BENCH_DATA, BENCH_EVENT_TYPE } from "./seed.ts";

const { url, count, concurrency } = JSON.parse(process.argv[2]!) as { url: string; count: number; concurrency: number };
const secret = generateSecret();
let next = 0;
let failures = 0;

async function lane(): Promise<void> {
  while (next < count) {
    const id = `evt_raw_${next++}`;
    const now = new Date();
    const body = JSON.stringify({ id, type: BENCH_EVENT_TYPE, timestamp: now.toISOString(), data: BENCH_DATA });
    const result = await sendWebhook({ url, headers: webhookHeaders(id, body, [secret], now), body, timeoutMs: 10_000, allowPrivateAddresses: true });
    if (!result.succeeded) failures++;
  }
}

const startedAt = nowMs();
await Promise.all(Array.from({ length: concurrency }, lane));
process.send!({ type: "done", startedAt, finishedAt: nowMs(), failures });
process.disconnect();
