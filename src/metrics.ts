import { sql, type Kysely } from "kysely";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "./db/types.ts";

export interface Metrics {
  registry: Registry;
  /** Every HTTP attempt: outcome is succeeded, retry_scheduled or failed (no attempts left). */
  attempts: Counter<"partner_id" | "outcome" | "error_code">;
  attemptDuration: Histogram<"outcome">;
  apiRequestDuration: Histogram<"method" | "route" | "status">;
}

/** One registry per process (tests build several), with process metrics and queue gauges read from the database at scrape time. */
export function createMetrics(db: Kysely<Database>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const attempts = new Counter({
    name: "webhook_delivery_attempts_total",
    help: "Delivery attempts by partner, outcome (succeeded, retry_scheduled, failed) and error code",
    labelNames: ["partner_id", "outcome", "error_code"] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: "webhook_delivery_attempt_duration_seconds",
    help: "Duration of delivery HTTP attempts",
    labelNames: ["outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const apiRequestDuration = new Histogram({
    name: "webhook_api_request_duration_seconds",
    help: "Admin API request latency by route pattern",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const pending = new Gauge({
    name: "webhook_pending_deliveries",
    help: "Pending deliveries: due now (waiting for a worker) or scheduled for a later retry",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ due: string; scheduled: string }>`
        SELECT count(*) FILTER (WHERE next_attempt_at <= now()) AS due, count(*) FILTER (WHERE next_attempt_at > now()) AS scheduled
        FROM webhooks.deliveries WHERE status = 'pending'`.execute(db);
      pending.set({ state: "due" }, Number(rows[0]?.due ?? 0));
      pending.set({ state: "scheduled" }, Number(rows[0]?.scheduled ?? 0));
    },
  });
  const oldestDue = new Gauge({
    name: "webhook_oldest_due_delivery_age_seconds",
    help: "How long the oldest pending delivery has been due without an attempt (0 when none): the delivery lag",
    registers: [registry],
    async collect() {
      const { rows } = await sql<{ age: number | null }>`
        SELECT extract(epoch FROM now() - min(next_attempt_at))::float8 AS age
        FROM webhooks.deliveries WHERE status = 'pending' AND next_attempt_at <= now()`.execute(db);
      oldestDue.set(Math.max(0, rows[0]?.age ?? 0));
    },
  });
  return { registry, attempts, attemptDuration, apiRequestDuration };
}
