import pg from "pg";
import { createDb, createPool } from "../../src/db/connection.ts";
import { migrate } from "../../src/db/migrator.ts";
import { createLogger } from "../../src/logger.ts";
import { testServerUrl } from "./test-server.ts";

// One template database is migrated once per run on the test server and every test file gets a
// fresh copy of it (CREATE DATABASE … TEMPLATE), so files never see each other's rows.
const TEMPLATE = `wo_template_${process.pid}`;
export const silentLogger = createLogger("error", process.env.TEST_LOGS !== "true");

let counter = 0;

export function databaseUrl(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTemplateDatabase(): Promise<void> {
  await onServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await client.query(`CREATE DATABASE ${TEMPLATE}`);
  });
  const pool = createPool(databaseUrl(TEMPLATE), 4, silentLogger);
  try {
    await migrate(pool, silentLogger);
  } finally {
    await pool.end();
  }
}

export async function dropTemplateDatabase(): Promise<void> {
  await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`));
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  db: ReturnType<typeof createDb>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `wo_test_${process.pid}_${++counter}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
  const url = databaseUrl(name);
  const pool = createPool(url, 10, silentLogger);
  const db = createDb(pool);
  return {
    name,
    url,
    pool,
    db,
    async drop() {
      await db.destroy();
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
