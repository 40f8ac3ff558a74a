-- The 1 MiB payload limit holds for plain SQL producers too, not only for enqueueEvent. Measured on
-- PostgreSQL's text rendering of the jsonb value, which is never smaller than the compact JSON
-- partners receive. NOT VALID: existing rows are not rescanned under an exclusive lock; every new
-- or updated row is checked.
ALTER TABLE webhooks.outbox
  ADD CONSTRAINT outbox_payload_at_most_1mib CHECK (octet_length(payload::text) <= 1048576) NOT VALID;
