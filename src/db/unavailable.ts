// Connection-level failures: the server is down, restarting, or dropped our connection. Retrying later helps.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE",
  "57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
  "08000", "08001", "08003", "08004", "08006", // connection exceptions
]);
// node-postgres reports a dropped socket without a code.
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/;

/** True when `error` means the database could not be reached, as opposed to a query that is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === "string" && UNAVAILABLE_CODES.has(code)) || (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message));
}
