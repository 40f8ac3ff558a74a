import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { TEST_ENV } from "./test-worker.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export type LogLine = Record<string, unknown> & { message?: string };

/** `src/main.ts worker` as a child process, its JSON log lines collected. */
export interface WorkerProcess {
  child: ChildProcess;
  logs: LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(message: string, timeoutMs?: number): Promise<LogLine>;
}

export function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "worker"], {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: "info", ...env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
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
          reject(new Error(`worker process did not log "${message}" within ${timeoutMs} ms; it logged: ${logs.map((l) => l.message).join(" | ")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
