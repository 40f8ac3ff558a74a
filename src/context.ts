import type { Kysely } from "kysely";
import type pg from "pg";
import type { ConnectedConfig } from "./config.ts";
import { createDb, createPool } from "./db/connection.ts";
import type { Database } from "./db/types.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";

/** Built once at start and passed down; nothing global. */
export interface AppContext {
  config: ConnectedConfig;
  logger: Logger;
  pool: pg.Pool;
  db: Kysely<Database>;
  metrics: Metrics;
  close(): Promise<void>;
}

export function createAppContext(config: ConnectedConfig, logger: Logger = createLogger(config.logLevel)): AppContext {
  // graphile-worker needs a connection per concurrent job plus a few for fetching, completing and listening.
  const pool = createPool(config.databaseUrl, config.workerConcurrency + 8, logger);
  const db = createDb(pool);
  return {
    config,
    logger,
    pool,
    db,
    metrics: createMetrics(db),
    // Kysely's destroy() ends the pg pool it wraps.
    close: () => db.destroy(),
  };
}
