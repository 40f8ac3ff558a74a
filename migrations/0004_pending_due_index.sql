-- The metrics' queue depth and delivery lag read only pending deliveries; keep that cheap at any table size.
CREATE INDEX deliveries_pending_due_idx ON webhooks.deliveries (next_attempt_at) WHERE status = 'pending';
