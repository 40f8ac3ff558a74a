import type { lookup } from "node:dns";
import type { Kysely } from "kysely";
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type pg from "pg";

/** What the admin API's route files are given. */
export interface AdminDeps {
  config: Config;
  db: Kysely<Database>;
  pool: pg.Pool;
  logger: Logger;
  metrics?: Metrics;
  /** DNS resolver for checking webhook URLs; tests inject one. */
  resolve?: typeof lookup;
}
