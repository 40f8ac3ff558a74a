import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { blockedAddressReason, webhookUrlProblem } from "./address-policy.ts";

export const RESPONSE_BODY_LIMIT_BYTES = 8 * 1024;

export type AttemptErrorCode = "http_status" | "timeout" | "dns" | "connection" | "tls" | "blocked_address" | "invalid_url";

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateAddresses: boolean;
}

export interface SendResult {
  succeeded: boolean;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  /** At most RESPONSE_BODY_LIMIT_BYTES of the response body, decoded as UTF-8. */
  responseBody: string | null;
  errorCode: AttemptErrorCode | null;
  errorMessage: string | null;
  durationMs: number;
}

class SendError extends Error {
  readonly code: AttemptErrorCode;
  constructor(code: AttemptErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// One keep-alive agent per protocol: connections to the same partner origin are reused across deliveries.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

// Checks every address a name resolves to at connect time, so a name cannot pass when the URL is
// set and later resolve somewhere private (DNS rebinding).
function guardedLookup(resolve: typeof dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const reason = addresses.map((a) => blockedAddressReason(a.address)).find((r) => r !== null);
      if (reason) return callback(Object.assign(new Error(`${hostname} resolves to ${reason}`), { code: "EBLOCKED" }), "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME", "ENODATA"]);

function classify(error: NodeJS.ErrnoException): SendError {
  if (error instanceof SendError) return error;
  const code = error.code ?? "";
  if (code === "EBLOCKED") return new SendError("blocked_address", error.message);
  if (DNS_CODES.has(code)) return new SendError("dns", `DNS lookup failed: ${code} ${error.message}`);
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code) || /SSL|TLS|certificate/i.test(error.message)) {
    return new SendError("tls", `TLS failed: ${code} ${error.message}`.trim());
  }
  return new SendError("connection", `connection failed: ${code} ${error.message}`.trim());
}

function parseTarget(url: string, allowPrivateAddresses: boolean): URL {
  const problem = webhookUrlProblem(url, allowPrivateAddresses);
  if (problem) throw new SendError(problem.code, problem.message);
  return new URL(url);
}

function headersOf(response: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * POSTs one webhook. Never throws: every outcome is a SendResult. Redirects are not followed, the
 * whole exchange is bounded by timeoutMs, and at most 8 KiB of the response body is read.
 */
export async function sendWebhook(request: SendRequest, resolve: typeof dnsLookup = dnsLookup): Promise<SendResult> {
  const startedAt = performance.now();
  const finish = (fields: Omit<SendResult, "durationMs">): SendResult => ({
    ...fields,
    durationMs: Math.round(performance.now() - startedAt),
  });
  try {
    const target = parseTarget(request.url, request.allowPrivateAddresses);
    const response = await exchange(target, request, resolve).catch((error: unknown) => {
      if (!(error instanceof StaleSocketError)) throw error;
      // The partner closed an idle keep-alive connection just as we reused it: nothing reached it, so the
      // same request goes once more on a new connection, within what is left of the deadline.
      const left = Math.max(1, request.timeoutMs - (performance.now() - startedAt));
      return exchange(target, { ...request, timeoutMs: left }, resolve, { freshConnection: true });
    });
    const succeeded = response.status >= 200 && response.status < 300;
    return finish({
      succeeded,
      responseStatus: response.status,
      responseHeaders: response.headers,
      responseBody: response.body,
      errorCode: succeeded ? null : "http_status",
      errorMessage: succeeded ? null : `partner answered HTTP ${response.status}${response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : ""}`,
    });
  } catch (error) {
    const failure = classify(error as NodeJS.ErrnoException);
    return finish({ succeeded: false, responseStatus: null, responseHeaders: null, responseBody: null, errorCode: failure.code, errorMessage: failure.message });
  }
}

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// A reused keep-alive socket that the server had already closed fails with one of these before any response.
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

class StaleSocketError extends Error {}

function exchange(target: URL, request: SendRequest, resolve: typeof dnsLookup, { freshConnection = false } = {}): Promise<Exchange> {
  return new Promise((resolvePromise, reject) => {
    const client = target.protocol === "https:" ? https : http;
    let response: http.IncomingMessage | null = null;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const deliver = () => {
      if (settled || !response) return;
      settled = true;
      clearTimeout(timer);
      const body = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT_BYTES).toString("utf8").replaceAll("\u0000", "");
      resolvePromise({ status: response.statusCode ?? 0, headers: headersOf(response), body });
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };

    const req = client.request(target, {
      method: "POST",
      // agent: false opens a connection of its own, closed after this request.
      agent: freshConnection ? false : agents[target.protocol as "http:" | "https:"],
      headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      ...(request.allowPrivateAddresses ? {} : { lookup: guardedLookup(resolve) }),
    });
    // One deadline for connect + request + response: a partner that hangs or trickles is cut off.
    const timer = setTimeout(() => {
      if (response) {
        // Status and headers arrived in time; keep the outcome and stop reading the slow body.
        deliver();
        response.destroy();
      } else {
        fail(new SendError("timeout", `no response within ${request.timeoutMs} ms`));
      }
    }, request.timeoutMs);

    req.on("error", (error: NodeJS.ErrnoException) => {
      if (response) return deliver();
      if (req.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? "")) return fail(new StaleSocketError(error.message));
      fail(error);
    });
    req.on("response", (res) => {
      response = res;
      res.on("data", (chunk: Buffer) => {
        if (received < RESPONSE_BODY_LIMIT_BYTES) chunks.push(chunk);
        received += chunk.length;
        if (received >= RESPONSE_BODY_LIMIT_BYTES) {
          deliver();
          res.destroy();
        }
      });
      res.on("end", deliver);
      res.on("error", deliver);
      res.on("close", deliver);
    });
    req.end(request.body);
  });
}
