import { expect } from "chai";
import { createPartner } from "../helpers/fixtures.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

describe("admin API: GET /v1/me", () => {
  let t: TestDatabase;
  let api: TestApi;

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    await createPartner(t.db, "ptn_me");
  });
  after(async () => {
    await api.close();
    await t.drop();
  });

  const keyId = async (role: string, partnerId: string | null) =>
    (await t.db.selectFrom("webhooks.api_keys").select("id").where("role", "=", role as never).where("partner_id", partnerId === null ? "is" : "=", partnerId).orderBy("created_at", "desc").executeTakeFirstOrThrow()).id;

  it("describes each role's key: its id, role and partner", async () => {
    for (const [role, partnerId] of [["admin", null], ["support", null], ["partner", "ptn_me"]] as const) {
      const key = await api.keyFor(role, partnerId);
      const response = await api.get("/v1/me", key);
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ keyId: await keyId(role, partnerId), role, partnerId });
    }
  });

  it("needs a valid key", async () => {
    expect((await api.get("/v1/me", null)).status).to.equal(401);
    const invalid = await api.get("/v1/me", "wo_not-a-key");
    expect(invalid.status).to.equal(401);
    expect(invalid.contentType).to.contain("application/problem+json");
  });

  it("is in the OpenAPI document", async () => {
    const { body } = await api.get("/openapi.json");
    expect(body.paths["/v1/me"].get.summary).to.equal("Describe the calling API key");
    expect(body.paths["/v1/deliveries/counts"].get.summary).to.equal("Count deliveries by status");
  });
});
