import type { Problem } from "./api-types.ts";

/** A non-2xx answer from the admin API, carrying its problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `the server answered HTTP ${status}`);
  }
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Calls /v1 with the signed-in key in the Authorization header; the key never goes into a URL. */
export function createApiClient(key: string, onUnauthorized: () => void = () => undefined) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${key}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      throw new ApiError(response.status, json as Problem | null);
    }
    return json as T;
  }
  return {
    get: <T>(path: string) => request<T>("GET", path),
    post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, body),
    put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  };
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
