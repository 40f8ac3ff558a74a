import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runMigrations as runGraphileWorkerMigrations } from "graphile-worker";
import type pg from "pg";
import type { Logger } from "../logger.ts";
import { graphileLogger } from "../worker/graphile-logger.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_301_554_211;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = /^(\d+)_[a-z0-9_]+\.sql$/.exec(name);
    if (!match) throw new Error(`migrations/${name}: name it NNNN_description.sql (digits, then lowercase words)`);
    const sql = await readFile(`${dir}/${name}`, "utf8");
    files.push({ version: Number(match[1]), name, sql, sha256: createHash("sha256").update(sql).digest("hex") });
  }
  return files;
}

// The files ship with the process and cannot change while it runs: read and hash them once, not on every /readyz.
let shippedFiles: Promise<MigrationFile[]> | undefined;
function shippedMigrationFiles(): Promise<MigrationFile[]> {
  shippedFiles ??= readMigrationFiles().catch((error: unknown) => {
    shippedFiles = undefined;
    throw error;
  });
  return shippedFiles;
}

async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE SCHEMA IF NOT EXISTS webhooks;
    CREATE TABLE IF NOT EXISTS webhooks.schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      sha256     text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    );`);
}

/**
 * Migrates graphile-worker's schema, then applies our numbered SQL files in order, each in its own
 * transaction. A session advisory lock serialises processes that start at the same time.
 * Returns the names of the files applied by this call.
 */
export async function migrate(pool: pg.Pool, logger: Logger): Promise<string[]> {
  const files = await shippedMigrationFiles();
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await runGraphileWorkerMigrations({ pgPool: pool, logger: graphileLogger(logger) });
      await ensureMigrationsTable(client);
      const { rows } = await client.query<{ version: number; name: string; sha256: string }>(
        "SELECT version, name, sha256 FROM webhooks.schema_migrations",
      );
      const applied = new Map(rows.map((row) => [row.version, row]));
      const appliedNow: string[] = [];
      for (const file of files) {
        const previous = applied.get(file.version);
        if (previous) {
          if (previous.sha256 !== file.sha256) {
            throw new Error(
              `migrations/${file.name} changed after it was applied (as ${previous.name}); add a new numbered file instead of editing an applied one`,
            );
          }
          continue;
        }
        await client.query("BEGIN");
        try {
          await client.query(file.sql);
          await client.query("INSERT INTO webhooks.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", [
            file.version,
            file.name,
            file.sha256,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`migrations/${file.name} failed: ${(error as Error).message}`, { cause: error });
        }
        logger.info("migration applied", { migration: file.name });
        appliedNow.push(file.name);
      }
      return appliedNow;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** Names of migration files not yet applied (empty when the schema is current). */
export async function pendingMigrations(pool: pg.Pool): Promise<string[]> {
  const files = await shippedMigrationFiles();
  const { rows } = await pool.query<{ version: number }>(
    "SELECT version FROM webhooks.schema_migrations",
  ).catch(() => ({ rows: [] as { version: number }[] }));
  const applied = new Set(rows.map((row) => row.version));
  return files.filter((file) => !applied.has(file.version)).map((file) => file.name);
}
