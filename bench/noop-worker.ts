import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./noop-worker-process.ts", import.meta.url));

export interface NoopWorkerOptions {
  databaseUrl: string;
  concurrency: number;
  poolSize: number;
  /** A graphile-worker preset ({} for its defaults); JSON, so it crosses the process boundary. */
  preset: { worker?: Record<string, unknown> };
  /** Report "drained" after this many jobs. */
  expect: number | null;
  /** Keep every job's start time (payload.i → ms) for the latency comparison. */
  recordStarts: boolean;
}

export type NoopWorkerMessage =
  | { type: "ready" }
  | { type: "drained"; count: number; firstAt: number; lastAt: number }
  | { type: "starts"; starts: [number, number][] };

/** A child process running graphile-worker with a no-op task (see noop-worker-process.ts). */
export class NoopWorker {
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(options: NoopWorkerOptions): Promise<NoopWorker> {
    const child = fork(SCRIPT, [JSON.stringify(options)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const worker = new NoopWorker(child);
    await worker.next("ready");
    return worker;
  }

  next<T extends NoopWorkerMessage["type"]>(type: T): Promise<Extract<NoopWorkerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: NoopWorkerMessage) => {
        if (message.type !== type) return;
        this.child.off("message", onMessage);
        this.child.off("exit", onExit);
        resolve(message as Extract<NoopWorkerMessage, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`no-op worker exited (${code}) before "${type}"`));
      this.child.on("message", onMessage);
      this.child.once("exit", onExit);
    });
  }

  /** Stops the worker and returns every job's start time. */
  async report(): Promise<Map<number, number>> {
    const reply = this.next("starts");
    this.child.send("report");
    return new Map((await reply).starts);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send("stop");
    await exited;
  }
}
