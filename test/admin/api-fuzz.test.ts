import { expect } from "chai";
import fc from "fast-check";
import { enqueueEvent } from "../../src/outbox/index.ts";
import { createPartner, setEndpoint } from "../helpers/fixtures.ts";
import { startTestApi, type TestApi } from "../helpers/test-api.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.ts";

const RUNS_PER_ROUTE = 100;
// What a leaked stack trace or internal error looks like in a response.
const INTERNALS = /\n\s+at |node_modules|\.ts:\d+|\.js:\d+|TypeError|ReferenceError|SyntaxError|ZodError|kysely|pg_|syntax error at or near/;

interface Route {
  method: string;
  /** OpenAPI path, e.g. /v1/partners/{partnerId} */
  path: string;
}

/** Any text, including NUL, lone surrogates, percent signs, dots and slashes, sometimes very long. */
const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", ".", "..", "%", "%00", "%zz", "\u0000", "\ud800", "../../etc/passwd", "' OR 1=1 --", "${7*7}", "__proto__", "constructor", "x".repeat(5000)),
);

/** A path segment as a client might send it: encoded, raw (when legal in a URL), or with broken escapes. */
const pathSegment = fc.oneof(
  hostileText.map((text) => {
    try {
      return encodeURIComponent(text);
    } catch {
      return "%ED%A0%80"; // a lone surrogate as UTF-8 bytes
    }
  }),
  fc.constantFrom("%", "%zz", "%C0%AF", "%ff%fe", "%00", "a%2Fb"),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  hostileText,
  fc.constantFrom(null, true, -1, 0, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 64, [], {}, { __proto__: { admin: true } }),
);

describe("admin API abuse: property-based fuzzing of every route's path, query and body", () => {
  let t: TestDatabase;
  let api: TestApi;
  let routes: Route[];
  const real: Record<string, string> = {};
  let partnerKey = "";
  let tried = 0;

  before(async () => {
    t = await createTestDatabase();
    api = await startTestApi(t);
    await createPartner(t.db, "ptn_a");
    await setEndpoint(t.db, "ptn_a", "http://127.0.0.1:9/hook");
    partnerKey = await api.keyFor("partner", "ptn_a");
    const { deliveryId, eventId } = await t.db.transaction().execute((trx) =>
      enqueueEvent(trx, { partnerId: "ptn_a", type: "kyc.status_updated", subjectId: "usr_1", data: { status: "approved" } }),
    );
    Object.assign(real, { partnerId: "ptn_a", deliveryId, eventId, keyId: "key_does_not_exist" });
    const { body } = await api.get("/openapi.json", null);
    routes = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
  });
  after(async () => {
    await api.close();
    await t.drop();
  });

  it("the OpenAPI document lists every route, so every route is fuzzed", () => {
    expect(routes.length).to.be.greaterThan(15);
    expect(routes.map((r) => `${r.method} ${r.path}`)).to.include.members(["PUT /v1/partners/{partnerId}/webhook", "GET /v1/deliveries", "POST /v1/partners/{partnerId}/replay"]);
  });

  async function expectNoInternals(method: string, url: string, init: RequestInit) {
    tried++;
    const response = await fetch(api.base + url, { method, ...init });
    const text = await response.text();
    const label = `${method} ${url.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
    expect(response.status, label).to.be.below(500);
    expect(INTERNALS.test(url.includes("/docs") ? "" : text), label).to.equal(false);
    if (response.status >= 400) expect(response.headers.get("content-type"), label).to.contain("application/problem+json");
  }

  it("path, query and body: never a 5xx, never a stack trace or internal error text", async function () {
    this.timeout(120_000);
    for (const route of routes) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            segments: fc.tuple(...params.map((name) => fc.oneof(fc.constant(encodeURIComponent(real[name] ?? "x")), pathSegment))),
            query: fc.array(fc.tuple(fc.oneof(fc.constantFrom("partnerId", "status", "eventType", "subjectId", "eventId", "since", "until", "limit", "cursor"), hostileText), hostileText), { maxLength: 4 }),
            rawQuery: fc.oneof(fc.constant(""), fc.constantFrom("&&&", "limit=1&limit=2", "limit[]=1", "cursor=%", "a=%zz", "since[$gt]=1")),
            body: fc.oneof(
              jsonish.map((value) => JSON.stringify(value) ?? "null"),
              fc.dictionary(fc.constantFrom("id", "name", "url", "role", "partnerId", "enabled", "eventTypes", "type", "subjectId", "data", "since", "until", "status"), jsonish).map((v) => JSON.stringify(v)),
              fc.constantFrom("{", "nul\u0000l", '{"a":', "[".repeat(5000), '{"url":"\\ud800"}', '{"name":"a\\u0000b"}', '{"__proto__":{"role":"admin"}}'),
            ),
            contentType: fc.constantFrom("application/json", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded"),
            asPartner: fc.boolean(),
          }),
          async ({ segments, query, rawQuery, body, contentType, asPartner }) => {
            let i = 0;
            const path = route.path.replace(/\{\w+\}/g, () => segments[i++] as string);
            const search = query.map(([k, v]) => `${encodeURIComponentSafe(k)}=${encodeURIComponentSafe(v)}`).concat(rawQuery ? [rawQuery] : []).join("&");
            await expectNoInternals(route.method, search ? `${path}?${search}` : path, {
              headers: { authorization: `Bearer ${asPartner ? partnerKey : "test-admin-key-0123456789abcdef0123456789"}`, "content-type": contentType },
              ...(route.method === "GET" ? {} : { body }),
            });
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    console.log(`      ${tried} requests (${RUNS_PER_ROUTE} generated inputs × ${routes.length} routes): no 5xx, no internals in any response`);
  });

  it("what fuzzing found answers 4xx naming the problem: an undecodable path, NUL characters, unpaired surrogates", async () => {
    const undecodable = await api.get("/v1/partners/%");
    expect({ status: undecodable.status, field: undecodable.body.errors[0].field }).to.deep.equal({ status: 400, field: "params" });
    const nul = await api.post("/v1/partners", { name: "a\u0000b" });
    expect({ status: nul.status, field: nul.body.errors[0].field }).to.deep.equal({ status: 422, field: "body.name" });
    const surrogate = await api.request("POST", "/v1/partners/ptn_a/mock-events", { rawBody: '{"type":"kyc.status_updated","subjectId":"u","data":{"status":"approved","note":"\\ud800"}}' });
    expect({ status: surrogate.status, field: surrogate.body.errors[0].field }).to.deep.equal({ status: 422, field: "body.data.note" });
    const query = await api.get("/v1/deliveries?subjectId=%00");
    expect({ status: query.status, field: query.body.errors[0].field }).to.deep.equal({ status: 400, field: "query.subjectId" });
  });

  it("broken Authorization headers and unknown routes answer 401/404 problems, never 5xx", async () => {
    for (const authorization of ["Bearer", "Bearer ", "Basic abc", "Bearer a b", `Bearer ${"x".repeat(8000)}`, "Bearer \u00ff\u00fe", "bearer wo_abc"]) {
      await expectNoInternals("GET", "/v1/partners", { headers: { authorization } });
    }
    for (const path of ["/v1", "/v1/", "/v1/partners/ptn_a/unknown", "/%", "/v1/%zz", "/.env", "/v1/partners/..%2F..%2Fetc"]) {
      await expectNoInternals("GET", path, {});
    }
  });
});

function encodeURIComponentSafe(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}
