-- 0005 is taken by the retention branch. Counting a partner's deliveries by status (the dashboard's
-- totals) and listing a partner's failed ones become bounded index range scans at any table size.
CREATE INDEX deliveries_partner_status_seq_idx ON webhooks.deliveries (partner_id, status, seq DESC);
