import { fileURLToPath } from "node:url";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

/** Where `npm start` keeps the embedded server's data when DATABASE_URL is unset; reused across runs. */
export const EMBEDDED_DATA_DIR = fileURLToPath(new URL("../../data/postgres", import.meta.url));

export interface ResolvedDatabase {
  url: string;
  /** Stops the embedded server if this process started it; nothing otherwise. */
  stop(): Promise<void>;
}

export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL in EMBEDDED_DATA_DIR, started on demand. */
export async function resolveDatabase(config: Config, logger: Logger, dataDir = EMBEDDED_DATA_DIR): Promise<ResolvedDatabase> {
  if (config.databaseUrl) {
    logger.info("using the database from DATABASE_URL", { databaseUrl: withoutPassword(config.databaseUrl), origin: "DATABASE_URL" });
    return { url: config.databaseUrl, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres(dataDir, logger);
  logger.info(
    embedded.startedHere
      ? "DATABASE_URL is unset: started the embedded PostgreSQL"
      : "DATABASE_URL is unset: using the embedded PostgreSQL another process started (it keeps running after this one)",
    { databaseUrl: embedded.url, origin: "embedded", dataDir: embedded.dataDir },
  );
  return embedded;
}
