-- Every delivery job carries the flag 'partner:<id>', so a worker whose slots for that partner are
-- full skips the partner's jobs (graphile-worker forbiddenFlags; src/delivery/partner-slots.ts).
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
      json_build_object('deliveryId', delivery_id, 'attempt', 1, 'trigger', 'initial'),
      flags => ARRAY['partner:' || NEW.partner_id]
    );
  END IF;
  RETURN NULL;
END
$$;
