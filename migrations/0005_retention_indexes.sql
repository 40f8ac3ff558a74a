-- Retention (src/retention/) deletes finished deliveries and old attempts by age in small batches;
-- without these indexes every batch would scan the whole table.
CREATE INDEX deliveries_finished_completed_idx ON webhooks.deliveries (completed_at) WHERE status <> 'pending';
CREATE INDEX delivery_attempts_started_idx ON webhooks.delivery_attempts (started_at);
