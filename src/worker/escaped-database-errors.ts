import { isDatabaseUnavailable } from "../db/unavailable.ts";

// graphile-worker 0.18 does not await a job's completion (or failure) write. When the database connection
// dies at that moment, the rejection escapes as unhandled, which would end the process. Such database
// errors restart the runner instead; any other unhandled rejection still ends the process, as Node would.
const listeners = new Set<(error: unknown) => void>();

function onUnhandledRejection(reason: unknown): void {
  if (!isDatabaseUnavailable(reason)) throw reason;
  for (const listener of listeners) listener(reason);
}

/** Calls `listener` for database-connection errors that escaped unhandled; returns the unsubscribe. */
export function onEscapedDatabaseError(listener: (error: unknown) => void): () => void {
  if (listeners.size === 0) process.on("unhandledRejection", onUnhandledRejection);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) process.off("unhandledRejection", onUnhandledRejection);
  };
}
