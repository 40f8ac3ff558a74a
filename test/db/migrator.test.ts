import { expect } from "chai";
import pg from "pg";
import { createPool } from "../../src/db/connection.ts";
import { migrate, pendingMigrations, readMigrationFiles } from "../../src/db/migrator.ts";
import { databaseUrl, silentLogger } from "../helpers/test-database.ts";
import { testServerUrl } from "../helpers/test-server.ts";

describe("migrator", () => {
  const name = `wo_migrate_${process.pid}`;
  const admin = () => {
    const client = new pg.Client({ connectionString: testServerUrl() });
    client.on("error", () => undefined);
    return client;
  };

  before(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  });
  after(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });

  it("two processes migrating an empty database at once apply every file exactly once", async () => {
    const pools = [createPool(databaseUrl(name), 4, silentLogger), createPool(databaseUrl(name), 4, silentLogger)];
    try {
      const [a, b] = await Promise.all(pools.map((pool) => migrate(pool, silentLogger)));
      const files = (await readMigrationFiles()).map((f) => f.name);
      expect([...a!, ...b!].sort()).to.deep.equal(files);
      const { rows } = await pools[0]!.query("SELECT name FROM webhooks.schema_migrations ORDER BY version");
      expect(rows.map((r) => r.name)).to.deep.equal(files);
      expect(await pendingMigrations(pools[0]!)).to.deep.equal([]);
      expect(await migrate(pools[0]!, silentLogger)).to.deep.equal([]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it("refuses to run when an applied migration file was edited", async () => {
    const pool = createPool(databaseUrl(name), 2, silentLogger);
    try {
      await pool.query("UPDATE webhooks.schema_migrations SET sha256 = 'edited' WHERE version = 1");
      const error = await migrate(pool, silentLogger).catch((e: Error) => e);
      expect(String(error)).to.contain("changed after it was applied");
    } finally {
      await pool.end();
    }
  });
});
