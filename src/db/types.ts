import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** Row types of schema `webhooks`, declared once (see migrations/). */
export interface PartnersTable {
  id: Generated<string>;
  name: string;
  created_at: Generated<Date>;
}

export type ApiKeyRole = "admin" | "support" | "partner";

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: ApiKeyRole;
  partner_id: string | null;
  key_sha256: Buffer;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface EndpointsTable {
  partner_id: string;
  url: string;
  enabled: Generated<boolean>;
  event_types: string[] | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OutboxTable {
  id: Generated<string>;
  partner_id: string;
  event_type: string;
  subject_id: string;
  payload: ColumnType<unknown, string, string>;
  idempotency_key: Generated<string>;
  occurred_at: Generated<Date>;
  created_at: Generated<Date>;
}

export type DeliveryStatus = "pending" | "succeeded" | "failed" | "skipped";

export interface DeliveriesTable {
  id: Generated<string>;
  /** Commit-ordered key for keyset pagination. */
  seq: ColumnType<string, never, never>;
  event_id: string;
  partner_id: string;
  event_type: string;
  subject_id: string;
  status: DeliveryStatus;
  skip_reason: string | null;
  attempt_count: Generated<number>;
  cycle_first_attempt: Generated<number>;
  next_attempt_at: Date | null;
  last_response_status: number | null;
  last_error_code: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  completed_at: Date | null;
}

export type AttemptTrigger = "initial" | "retry" | "redeliver";

export interface DeliveryAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempt_number: number;
  trigger: AttemptTrigger;
  started_at: Date;
  duration_ms: number;
  url: string;
  response_status: number | null;
  response_headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  response_body: string | null;
  error_code: string | null;
  error_message: string | null;
  next_attempt_at: Date | null;
}

export interface RedeliveriesTable {
  id: Generated<string>;
  delivery_id: string;
  kind: "redeliver" | "replay";
  api_key_id: string;
  first_attempt: number;
  requested_at: Generated<Date>;
}

export interface WorkerHeartbeatsTable {
  worker_pool_id: string;
  hostname: string;
  pid: number;
  started_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface Database {
  "webhooks.partners": PartnersTable;
  "webhooks.api_keys": ApiKeysTable;
  "webhooks.endpoints": EndpointsTable;
  "webhooks.outbox": OutboxTable;
  "webhooks.deliveries": DeliveriesTable;
  "webhooks.delivery_attempts": DeliveryAttemptsTable;
  "webhooks.redeliveries": RedeliveriesTable;
  "webhooks.worker_heartbeats": WorkerHeartbeatsTable;
}

export type Partner = Selectable<PartnersTable>;
export type Endpoint = Selectable<EndpointsTable>;
export type OutboxEvent = Selectable<OutboxTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptsTable>;
export type NewDeliveryAttempt = Insertable<DeliveryAttemptsTable>;
