import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { processCpuSeconds } from "./process-cpu.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
export const PROFILE_DIR = fileURLToPath(new URL("./results/profiles/", import.meta.url));

export interface WorkerProcessOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Write a V8 CPU profile per process into bench/results/profiles/. */
  cpuProfile?: boolean;
}

/** Worker processes running the real service (`src/main.ts worker`), as an operator would start them. */
export class WorkerProcesses {
  private stopping = false;
  /** Rejects if a worker process exits before stop(): a scenario races it instead of waiting out its timeout. */
  readonly crashed: Promise<never>;

  private readonly children: ChildProcess[];

  private constructor(children: ChildProcess[]) {
    this.children = children;
    this.crashed = new Promise<never>((_, reject) => {
      for (const child of children) {
        child.once("exit", (code, signal) => {
          if (!this.stopping) reject(new Error(`worker process ${child.pid} exited unexpectedly (${code ?? signal})`));
        });
      }
    });
    this.crashed.catch(() => undefined);
  }

  static start(count: number, options: WorkerProcessOptions): WorkerProcesses {
    const stderr: string[] = [];
    const children = Array.from({ length: count }, (_, i) => {
      // Logs go to a file, not through this process, which also runs the receiver; read only after a crash.
      const logFile = `${tmpdir()}/webhook-outbox-bench-worker-${i}.log`;
      const child = spawn(
        process.execPath,
        [...(options.cpuProfile ? ["--cpu-prof", "--cpu-prof-dir", PROFILE_DIR] : []), "--import", "tsx", MAIN, "worker"],
        {
          // PORT 0: each worker process serves its admin/metrics HTTP on a free port instead of all fighting over 3000.
          env: { ...process.env, LOG_LEVEL: "info", ...options.env, PORT: "0", DATABASE_URL: options.databaseUrl, WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
          stdio: ["ignore", openSync(logFile, "w"), "pipe"],
        },
      );
      child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
      child.on("exit", (code, signal) => {
        if (code !== 0 && signal === null) {
          console.error(`worker process ${child.pid} exited with ${code}: ${stderr.join("").slice(-2000)}${readFileSync(logFile, "utf8").slice(-3000)}`);
        }
      });
      return child;
    });
    return new WorkerProcesses(children);
  }

  /** Peak resident set size (VmHWM) of each process so far, in MiB. */
  async peakRssMiB(): Promise<number[]> {
    return Promise.all(
      this.children.map(async (child) => {
        const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        return match ? Math.round(Number(match[1]) / 1024) : NaN;
      }),
    );
  }

  /** CPU seconds used so far by all the processes together. */
  async cpuSeconds(): Promise<number> {
    const seconds = await Promise.all(this.children.map((child) => processCpuSeconds(child.pid!)));
    return seconds.reduce((sum, s) => sum + s, 0);
  }

  /** SIGTERM (graceful stop) and wait for every process to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
  }
}
