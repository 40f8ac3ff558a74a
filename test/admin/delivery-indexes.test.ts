import { expect } from "chai";
import { sql } from "kysely";
import { countStatusQuery } from "../../src/admin/delivery-counts.ts";
import { encodeCursor } from "../../src/admin/delivery-cursor.ts";
import { listDeliveriesQuery } from "../../src/admin/delivery-list-query.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

const DELIVERIES = 120_000;

describe(`delivery listing uses indexes at ${DELIVERIES.toLocaleString("en")} deliveries`, function () {
  this.timeout(180_000);
  let t: TestDatabase;

  before(async () => {
    t = await createTestDatabase();
    await sql`INSERT INTO webhooks.partners (id, name) SELECT 'ptn_' || g, 'Partner ' || g FROM generate_series(1, 200) g`.execute(t.db);
    // No endpoints: every event becomes a skipped delivery through the real trigger, without jobs.
    await sql`INSERT INTO webhooks.outbox (partner_id, event_type, subject_id, payload)
      SELECT 'ptn_' || (g % 200 + 1), 'transaction.status_updated', 'txn_' || g, '{"status":"completed"}'
      FROM generate_series(1, ${DELIVERIES}) g`.execute(t.db);
    await sql`ANALYZE webhooks.deliveries`.execute(t.db);
  });
  after(() => t.drop());

  const plan = async (filter: Parameters<typeof listDeliveriesQuery>[1]) => {
    const rows = await listDeliveriesQuery(t.db, filter).explain("json");
    return JSON.stringify(rows);
  };

  it("by partner: an index scan on deliveries_partner_seq_idx, no sequential scan", async () => {
    const text = await plan({ partnerId: "ptn_7", limit: 50 });
    expect(text).to.contain("deliveries_partner_seq_idx");
    expect(text).not.to.contain("Seq Scan");
    const page = await listDeliveriesQuery(t.db, { partnerId: "ptn_7", limit: 50 }).execute();
    expect(page).to.have.length(51);
  });

  it("by subject: an index scan on deliveries_subject_seq_idx, no sequential scan", async () => {
    const text = await plan({ subjectId: "txn_4242", limit: 50 });
    expect(text).to.contain("deliveries_subject_seq_idx");
    expect(text).not.to.contain("Seq Scan");
  });

  it("by partner and subject, and the next page by cursor, still avoid a sequential scan", async () => {
    expect(await plan({ partnerId: "ptn_43", subjectId: "txn_4242", limit: 50 })).not.to.contain("Seq Scan");
    const [first] = await listDeliveriesQuery(t.db, { partnerId: "ptn_7", limit: 1 }).execute();
    expect(await plan({ partnerId: "ptn_7", limit: 50, cursor: encodeCursor(first!.seq) })).not.to.contain("Seq Scan");
  });

  it("counts by status: index-only range scans, for one partner and for all", async () => {
    await sql`VACUUM ANALYZE webhooks.deliveries`.execute(t.db);
    const partner = JSON.stringify(await countStatusQuery(t.db, "failed", "ptn_7").explain("json"));
    expect(partner).to.contain("deliveries_partner_status_seq_idx");
    const all = JSON.stringify(await countStatusQuery(t.db, "failed", undefined).explain("json"));
    expect(all).to.contain("deliveries_status_seq_idx");
    for (const text of [partner, all]) expect(text).not.to.contain("Seq Scan");
  });
});
