import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Logger } from "../logger.ts";
import type { Database } from "./types.ts";

// bigint (e.g. attempt ids, counts) as JS numbers would silently lose precision; keep them strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

/** A pg pool whose idle-client errors (e.g. Postgres restarting) are logged instead of crashing the process. */
export function createPool(connectionString: string, max: number, logger: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on("error", (error) => logger.warn("idle database connection failed", { error: error.message }));
  pool.on("connect", (client) => {
    client.on("error", (error) => logger.warn("database connection failed", { error: error.message }));
  });
  return pool;
}

export function createDb(pool: pg.Pool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
