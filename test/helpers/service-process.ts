import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { TEST_ENV } from "./test-worker.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export type LogLine = Record<string, unknown> & { message?: string };

/** `src/main.ts <command>` as a child process, its JSON log lines collected. */
export interface ServiceProcess {
  child: ChildProcess;
  logs: LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The HTTP port it serves (the API, or a worker's /healthz, /readyz and /metrics), from its "listening" log line. */
  port: Promise<number>;
  waitForLog(message: string, timeoutMs?: number): Promise<LogLine>;
}

export function startServiceProcess(command: "worker" | "api", databaseUrl: string, env: Record<string, string> = {}): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, command], {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: "info", ...env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let portFound: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => (portFound = resolve));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const entry = JSON.parse(line) as LogLine;
      logs.push(entry);
      const listening = typeof entry.url === "string" ? /:(\d+)/.exec(entry.url.replace(/^https?:\/\//, "")) : null;
      if (listening) portFound(Number(listening[1]));
    } catch {
      logs.push({ message: line });
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    logs,
    exited,
    port,
    waitForLog(message, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find((line) => line.message === message);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${command} process did not log "${message}" within ${timeoutMs} ms; it logged: ${logs.map((l) => l.message).join(" | ")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export const startWorkerProcess = (databaseUrl: string, env: Record<string, string> = {}) => startServiceProcess("worker", databaseUrl, env);
