-- The tables of SPEC.md. graphile-worker's own schema is migrated by graphile-worker itself.
CREATE SCHEMA IF NOT EXISTS webhooks;

CREATE FUNCTION webhooks.new_id(prefix text) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT prefix || '_' || replace(gen_random_uuid()::text, '-', '')
$$;

CREATE TABLE webhooks.partners (
  id         text PRIMARY KEY DEFAULT webhooks.new_id('ptn')
             CONSTRAINT partners_id_format CHECK (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhooks.api_keys (
  id         text PRIMARY KEY DEFAULT webhooks.new_id('key'),
  name       text NOT NULL,
  role       text NOT NULL CONSTRAINT api_keys_role_known CHECK (role IN ('admin', 'support', 'partner')),
  partner_id text REFERENCES webhooks.partners (id) ON DELETE CASCADE,
  key_sha256 bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CONSTRAINT api_keys_partner_role_has_partner CHECK ((role = 'partner') = (partner_id IS NOT NULL))
);

CREATE TABLE webhooks.endpoints (
  partner_id                 text PRIMARY KEY REFERENCES webhooks.partners (id) ON DELETE CASCADE,
  url                        text NOT NULL,
  enabled                    boolean NOT NULL DEFAULT true,
  event_types                text[],
  secret                     text NOT NULL,
  previous_secret            text,
  previous_secret_expires_at timestamptz,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhooks.outbox (
  id              text PRIMARY KEY DEFAULT webhooks.new_id('evt'),
  partner_id      text NOT NULL CONSTRAINT outbox_partner_must_exist REFERENCES webhooks.partners (id),
  event_type      text NOT NULL CONSTRAINT outbox_event_type_known
                  CHECK (event_type IN ('kyc.status_updated', 'transaction.status_updated', 'webhook.test')),
  subject_id      text NOT NULL,
  payload         jsonb NOT NULL,
  -- Producers that do not pass a key get a unique one, so the column never holds NULL.
  idempotency_key text NOT NULL DEFAULT webhooks.new_id('auto'),
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT outbox_idempotency_key_unique UNIQUE (partner_id, idempotency_key)
);

CREATE TABLE webhooks.deliveries (
  id                   text PRIMARY KEY DEFAULT webhooks.new_id('dlv'),
  event_id             text NOT NULL UNIQUE REFERENCES webhooks.outbox (id) ON DELETE CASCADE,
  partner_id           text NOT NULL REFERENCES webhooks.partners (id),
  status               text NOT NULL
                       CONSTRAINT deliveries_status_known CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped')),
  -- Why a delivery was not attempted: no_endpoint, endpoint_disabled, event_type_not_subscribed.
  skip_reason          text,
  attempt_count        integer NOT NULL DEFAULT 0,
  -- The attempt number that opened the current cycle (1, or the first attempt of a redelivery);
  -- the retry schedule is counted from it.
  cycle_first_attempt  integer NOT NULL DEFAULT 1,
  next_attempt_at      timestamptz,
  last_response_status integer,
  last_error_code      text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  completed_at         timestamptz
);

CREATE TABLE webhooks.delivery_attempts (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id      text NOT NULL REFERENCES webhooks.deliveries (id) ON DELETE CASCADE,
  attempt_number   integer NOT NULL,
  trigger          text NOT NULL CONSTRAINT delivery_attempts_trigger_known CHECK (trigger IN ('initial', 'retry', 'redeliver')),
  started_at       timestamptz NOT NULL,
  duration_ms      integer NOT NULL,
  url              text NOT NULL,
  response_status  integer,
  response_headers jsonb,
  response_body    text,
  error_code       text CONSTRAINT delivery_attempts_error_code_known
                   CHECK (error_code IN ('http_status', 'timeout', 'dns', 'connection', 'tls', 'blocked_address', 'invalid_url')),
  error_message    text,
  next_attempt_at  timestamptz,
  CONSTRAINT delivery_attempts_number_unique UNIQUE (delivery_id, attempt_number)
);

-- Liveness of worker processes, so jobs locked by a dead one can be unlocked in seconds
-- instead of graphile-worker's fixed 4 hours (see src/worker/lock-recovery.ts).
CREATE TABLE webhooks.worker_heartbeats (
  worker_pool_id text PRIMARY KEY,
  hostname       text NOT NULL,
  pid            integer NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX deliveries_partner_created_idx ON webhooks.deliveries (partner_id, created_at DESC, id DESC);
CREATE INDEX deliveries_created_idx ON webhooks.deliveries (created_at DESC, id DESC);
CREATE INDEX outbox_subject_idx ON webhooks.outbox (subject_id);
