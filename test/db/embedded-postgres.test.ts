import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import pg from "pg";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres.ts";
import { silentLogger } from "../helpers/test-database.ts";

// Inside the repository; as root, where the postgres user cannot reach it, the server keeps it under
// ROOT_SERVER_HOME instead (EmbeddedPostgres.dataDir says where), and that folder is removed too.
const DATA_DIR = fileURLToPath(new URL(`../../data/embedded-test-${process.pid}`, import.meta.url));
let actualDataDir = DATA_DIR;

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL (DATABASE_URL unset)", () => {
  after(async () => {
    await rm(DATA_DIR, { recursive: true, force: true });
    await rm(actualDataDir, { recursive: true, force: true });
  });

  it("creates the cluster once, keeps its data across restarts, shares a running server and stops cleanly", async () => {
    const first = await startEmbeddedPostgres(DATA_DIR, silentLogger);
    actualDataDir = first.dataDir;
    try {
      expect(first.startedHere).to.equal(true);
      expect(first.url).to.match(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('survives a restart')");

      const second = await startEmbeddedPostgres(DATA_DIR, silentLogger);
      expect(second).to.include({ url: first.url, startedHere: false });
      await second.stop();
      expect(await query(first.url, "SELECT 1 AS up")).to.deep.equal([{ up: 1 }]);
    } finally {
      await first.stop();
    }
    const refused = await query(first.url, "SELECT 1").then(() => "answered", (error: Error) => error.message);
    expect(refused, "the server is down after stop()").to.not.equal("answered");

    const again = await startEmbeddedPostgres(DATA_DIR, silentLogger);
    try {
      expect(again.startedHere).to.equal(true);
      expect(await query(again.url, "SELECT note FROM kept")).to.deep.equal([{ note: "survives a restart" }]);
    } finally {
      await again.stop();
    }
  });
});
