import pg from "pg";
import { createDb, createPool } from "../src/db/connection.ts";
import { migrate } from "../src/db/migrator.ts";
import { createLogger } from "../src/logger.ts";
import { testServerUrl } from "../test/helpers/test-server.ts";

// The server the tests use (test/helpers/test-server.ts picks it); every scenario gets a fresh copy
// of one migrated template database.
export const quietLogger = createLogger("error", true);
const TEMPLATE = `wo_bench_template_${process.pid}`;
const created = new Set<string>();
let counter = 0;

function databaseUrl(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  db: ReturnType<typeof createDb>;
  drop(): Promise<void>;
}

export async function createBenchTemplate(): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await onServer(`CREATE DATABASE ${TEMPLATE}`);
  created.add(TEMPLATE);
  const pool = createPool(databaseUrl(TEMPLATE), 4, quietLogger);
  try {
    await migrate(pool, quietLogger);
    // The domain table the write-path scenario updates, standing in for a backend team's own table.
    await pool.query(`CREATE TABLE public.bench_accounts (id int PRIMARY KEY, status text NOT NULL, version int NOT NULL);
      INSERT INTO public.bench_accounts SELECT i, 'pending', 0 FROM generate_series(1, 10000) i;`);
  } finally {
    await pool.end();
  }
}

export async function createScratchDatabase(poolSize = 20): Promise<ScratchDatabase> {
  const name = `wo_bench_${process.pid}_${++counter}`;
  await onServer(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  created.add(name);
  const url = databaseUrl(name);
  const pool = createPool(url, poolSize, quietLogger);
  const db = createDb(pool);
  return {
    name,
    url,
    pool,
    db,
    async drop() {
      await db.destroy();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      created.delete(name);
    },
  };
}

/** Drops every database this run created (scratch copies first, then the template). */
export async function dropAllScratchDatabases(): Promise<void> {
  for (const name of [...created].sort((a) => (a === TEMPLATE ? 1 : -1))) {
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    created.delete(name);
  }
}
