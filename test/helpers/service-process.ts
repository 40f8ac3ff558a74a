import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { TEST_ENV } from "./test-worker.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
  /** The HTTP port the process serves (the API, or a worker's /healthz, /readyz and /metrics). */
  port: Promise<number>;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
}

/** `npm start -- <command>` as a real child process, configured like the in-process test services. */
export function spawnService(command: "worker" | "api", env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, command], {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let portFound: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => (portFound = resolve));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      const url = typeof entry.url === "string" ? /:(\d+)/.exec(entry.url.replace(/^https?:\/\//, "")) : null;
      if (url) portFound(Number(url[1]));
    } catch {
      logs.push({ raw: line });
    }
  });
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, port, logs };
}
