import { expect } from "chai";
import { sql } from "kysely";
import { createApiKey } from "../../src/admin/api-key-store.ts";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { createPartner, setEndpoint } from "../helpers/fixtures.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

type Who = "none" | "invalid" | "admin" | "support" | "partner" | "otherPartner";
type Role = "admin" | "support" | "partner";

interface Case {
  method: string;
  path: string;
  body?: unknown;
  roles: Role[];
  ok: number;
}

describe("admin API: the role × route matrix", () => {
  let t: TestDatabase;
  let api: TestApi;
  const keys: Record<Who, string | null> = { none: null, invalid: "wo_not-a-real-key", admin: "", support: "", partner: "", otherPartner: "" };
  let deliveryId = "";
  let eventId = "";
  let throwawayKeyId = "";

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    await createPartner(t.db, "ptn_a");
    await createPartner(t.db, "ptn_b");
    keys.admin = await api.keyFor("admin");
    keys.support = await api.keyFor("support");
    keys.partner = await api.keyFor("partner", "ptn_a");
    keys.otherPartner = await api.keyFor("partner", "ptn_b");
    ({ deliveryId, eventId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_a", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
    ));
  });
  after(async () => {
    await api.close();
    await t.drop();
  });

  // Every case starts from the same state, so "allowed" can be asserted as the exact success status.
  beforeEach(async () => {
    await setEndpoint(t.db, "ptn_a", "http://127.0.0.1:9/hook");
    await t.db.updateTable("webhooks.deliveries").set({ status: "failed" }).where("id", "=", deliveryId).execute();
    throwawayKeyId = (await createApiKey(t.db, { name: "throwaway", role: "support", partnerId: null })).id;
    await sql`DELETE FROM webhooks.partners WHERE id LIKE 'ptn_matrix_%'`.execute(t.db);
  });

  const cases = (): Case[] => {
    const hour = 3600_000;
    const range = { since: new Date(Date.now() - hour).toISOString(), until: new Date(Date.now() + hour).toISOString() };
    return [
      { method: "POST", path: "/v1/partners", body: { id: "ptn_matrix_1", name: "M" }, roles: ["admin"], ok: 201 },
      { method: "GET", path: "/v1/partners", roles: ["admin"], ok: 200 },
      { method: "GET", path: "/v1/partners/ptn_a", roles: ["admin"], ok: 200 },
      { method: "POST", path: "/v1/api-keys", body: { name: "k", role: "support" }, roles: ["admin"], ok: 201 },
      { method: "GET", path: "/v1/api-keys", roles: ["admin"], ok: 200 },
      { method: "DELETE", path: `/v1/api-keys/${throwawayKeyId}`, roles: ["admin"], ok: 204 },
      { method: "PUT", path: "/v1/partners/ptn_a/webhook", body: { url: "http://127.0.0.1:9/other" }, roles: ["admin", "partner"], ok: 200 },
      { method: "GET", path: "/v1/partners/ptn_a/webhook", roles: ["admin", "support", "partner"], ok: 200 },
      { method: "DELETE", path: "/v1/partners/ptn_a/webhook", roles: ["admin", "partner"], ok: 204 },
      { method: "POST", path: "/v1/partners/ptn_a/webhook/secret/rotate", roles: ["admin", "partner"], ok: 200 },
      { method: "POST", path: "/v1/partners/ptn_a/webhook/test", roles: ["admin", "partner"], ok: 202 },
      { method: "POST", path: "/v1/partners/ptn_a/mock-events", body: { type: "kyc.status_updated", subjectId: "u", data: { status: "approved" } }, roles: ["admin", "partner"], ok: 202 },
      { method: "GET", path: "/v1/deliveries?partnerId=ptn_a", roles: ["admin", "support", "partner"], ok: 200 },
      { method: "GET", path: "/v1/deliveries/counts?partnerId=ptn_a", roles: ["admin", "support", "partner"], ok: 200 },
      { method: "GET", path: `/v1/deliveries/${deliveryId}`, roles: ["admin", "support", "partner"], ok: 200 },
      { method: "POST", path: `/v1/deliveries/${deliveryId}/redeliver`, roles: ["admin", "support", "partner"], ok: 202 },
      { method: "POST", path: "/v1/partners/ptn_a/replay", body: range, roles: ["admin", "support", "partner"], ok: 202 },
      { method: "GET", path: `/v1/events/${eventId}`, roles: ["admin", "support", "partner"], ok: 200 },
    ];
  };

  function expected(who: Who, c: Case): number {
    if (who === "none" || who === "invalid") return 401;
    const role: Role = who === "otherPartner" ? "partner" : who;
    if (!c.roles.includes(role)) return 403;
    return who === "otherPartner" ? 404 : c.ok;
  }

  const whos: Who[] = ["none", "invalid", "admin", "support", "partner", "otherPartner"];
  for (const index of cases().keys()) {
    for (const who of whos) {
      it(`route #${index + 1} as ${who}`, async function () {
        const c = cases()[index]!;
        this.test!.title = `${c.method} ${c.path.replace(/(dlv|evt|key)_[0-9a-f]+/, "$1_…")} as ${who} → ${expected(who, c)}`;
        const response = await api.request(c.method, c.path, { key: keys[who], ...(c.body === undefined ? {} : { body: c.body }) });
        expect(response.status, JSON.stringify(response.body)).to.equal(expected(who, c));
        if (response.status >= 400) expect(response.contentType).to.contain("application/problem+json");
      });
    }
  }
});
