import { Logger as GraphileLogger } from "graphile-worker";
import type { Logger } from "../logger.ts";

/** Routes graphile-worker's own log lines into our winston JSON logs. */
export function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const winstonLevel = level === "warning" ? "warn" : level;
    logger.log(winstonLevel, message, { source: "graphile-worker", ...scope, ...meta });
  });
}
