import type { lookup } from "node:dns";
import { createApiKey } from "../../src/admin/api-key-store.ts";
import { startAdminServer } from "../../src/admin/server.ts";
import type { ApiKeyRole } from "../../src/db/types.ts";
import { silentLogger, type TestDatabase } from "./test-database.ts";
import { testConfig } from "./test-worker.ts";

export const ADMIN_KEY = "test-admin-key-0123456789abcdef0123456789";

export interface ApiResponse<T = any> {
  status: number;
  contentType: string;
  body: T;
  headers: Headers;
}

/** The real admin API on 127.0.0.1 over real HTTP, with a bootstrap admin key. */
export async function startTestApi(t: TestDatabase, env: Record<string, string> = {}, resolve?: typeof lookup) {
  const config = testConfig(t, { ADMIN_API_KEY: ADMIN_KEY, ...env });
  const server = await startAdminServer({ config, db: t.db, pool: t.pool, logger: silentLogger, resolve }, 0);
  const base = `http://127.0.0.1:${server.port}`;

  async function request<T = any>(method: string, path: string, options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    const response = await fetch(base + path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(options.body !== undefined || options.rawBody !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (e.g. the docs page): keep the text
    }
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: body as T, headers: response.headers };
  }

  return {
    base,
    request,
    get: <T = any>(path: string, key?: string | null) => request<T>("GET", path, { key }),
    post: <T = any>(path: string, body?: unknown, key?: string | null) => request<T>("POST", path, { body: body ?? {}, key }),
    put: <T = any>(path: string, body: unknown, key?: string | null) => request<T>("PUT", path, { body, key }),
    delete: <T = any>(path: string, key?: string | null) => request<T>("DELETE", path, { key }),
    async keyFor(role: ApiKeyRole, partnerId: string | null = null): Promise<string> {
      return (await createApiKey(t.db, { name: `${role} test key`, role, partnerId })).key;
    },
    close: () => server.close(),
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
