import { fileURLToPath } from "node:url";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../src/db/embedded-postgres.ts";
import { createLogger } from "../../src/logger.ts";

// The machine's server, used when TEST_DATABASE_URL and DATABASE_URL are unset and it answers.
const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
// Apart from `npm start`'s data/postgres, so test databases never land among development data.
const TEST_DATA_DIR = fileURLToPath(new URL("../../data/postgres-test", import.meta.url));

let embedded: EmbeddedPostgres | undefined;

/**
 * The server test databases are created on; fixed by chooseTestServer() before any test runs. Read from
 * the environment on every call: mocha loads its --require file through require() and the test files
 * through import(), so this module has two instances that only the environment connects.
 */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || LOCAL_SERVER_URL;
}

async function unreachableReason(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** With no server named and none answering at 127.0.0.1:5432, starts the embedded PostgreSQL for this run. */
export async function chooseTestServer(): Promise<void> {
  if (process.env.TEST_DATABASE_URL || process.env.DATABASE_URL) return;
  const reason = await unreachableReason(LOCAL_SERVER_URL);
  if (reason === undefined) return;
  embedded = await startEmbeddedPostgres(TEST_DATA_DIR, createLogger("warn"));
  process.env.TEST_DATABASE_URL = embedded.url;
  console.log(`No PostgreSQL at 127.0.0.1:5432 (${reason}): tests use the embedded one, ${embedded.url}, data in ${embedded.dataDir}`);
}

export async function stopTestServer(): Promise<void> {
  await embedded?.stop();
}
