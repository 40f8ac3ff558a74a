-- What the admin API's delivery history needs: a commit-ordered key for keyset pagination, the event's
-- type and subject copied onto the delivery (so listing by partner or subject is one index scan,
-- no join), and an audit trail of redeliveries and replays.
ALTER TABLE webhooks.deliveries
  ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
  ADD COLUMN event_type text,
  ADD COLUMN subject_id text;

UPDATE webhooks.deliveries d SET event_type = e.event_type, subject_id = e.subject_id
FROM webhooks.outbox e WHERE e.id = d.event_id;

ALTER TABLE webhooks.deliveries
  ALTER COLUMN event_type SET NOT NULL,
  ALTER COLUMN subject_id SET NOT NULL,
  ADD CONSTRAINT deliveries_seq_unique UNIQUE (seq);

DROP INDEX webhooks.deliveries_partner_created_idx;
DROP INDEX webhooks.deliveries_created_idx;
CREATE INDEX deliveries_partner_seq_idx ON webhooks.deliveries (partner_id, seq DESC);
CREATE INDEX deliveries_subject_seq_idx ON webhooks.deliveries (subject_id, seq DESC);
CREATE INDEX deliveries_status_seq_idx ON webhooks.deliveries (status, seq DESC);
CREATE INDEX deliveries_partner_created_idx ON webhooks.deliveries (partner_id, created_at);

CREATE TABLE webhooks.redeliveries (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id   text NOT NULL REFERENCES webhooks.deliveries (id) ON DELETE CASCADE,
  kind          text NOT NULL CONSTRAINT redeliveries_kind_known CHECK (kind IN ('redeliver', 'replay')),
  -- The API key that asked; kept even if the key is later revoked.
  api_key_id    text NOT NULL,
  first_attempt integer NOT NULL,
  requested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redeliveries_delivery_idx ON webhooks.redeliveries (delivery_id);

CREATE OR REPLACE FUNCTION webhooks.outbox_create_delivery() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  endpoint    webhooks.endpoints%ROWTYPE;
  skip_reason text;
  delivery_id text;
BEGIN
  SELECT * INTO endpoint FROM webhooks.endpoints WHERE partner_id = NEW.partner_id;
  IF NOT FOUND THEN
    skip_reason := 'no_endpoint';
  ELSIF NOT endpoint.enabled THEN
    skip_reason := 'endpoint_disabled';
  -- Pings are always sent: a partner testing its URL must not be stopped by its own filter.
  ELSIF endpoint.event_types IS NOT NULL AND NEW.event_type <> 'webhook.test'
        AND NOT (NEW.event_type = ANY (endpoint.event_types)) THEN
    skip_reason := 'event_type_not_subscribed';
  END IF;

  INSERT INTO webhooks.deliveries (event_id, partner_id, event_type, subject_id, status, skip_reason, next_attempt_at, completed_at)
  VALUES (
    NEW.id, NEW.partner_id, NEW.event_type, NEW.subject_id,
    CASE WHEN skip_reason IS NULL THEN 'pending' ELSE 'skipped' END,
    skip_reason,
    CASE WHEN skip_reason IS NULL THEN now() END,
    CASE WHEN skip_reason IS NULL THEN NULL ELSE now() END
  )
  RETURNING id INTO delivery_id;

  IF skip_reason IS NULL THEN
    PERFORM graphile_worker.add_job(
      'deliver_webhook',
      json_build_object('deliveryId', delivery_id, 'attempt', 1, 'trigger', 'initial')
    );
  END IF;
  RETURN NULL;
END
$$;
