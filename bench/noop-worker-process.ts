// Child process: graphile-worker running a no-op task, the engine baseline the delivery numbers are
// compared with. Started by noop-worker.ts through fork(); talks to it over IPC.
import { EventEmitter } from "node:events";
import { parseCronItems, run, type WorkerEvents } from "graphile-worker";
import { createPool } from "../src/db/connection.ts";
import { nowMs } from "./clock.ts";
import type { NoopWorkerOptions, NoopWorkerMessage } from "./noop-worker.ts";
import { quietLogger } from "./scratch-database.ts";
import { graphileLogger } from "../src/worker/graphile-logger.ts";

const options = JSON.parse(process.argv[2]!) as NoopWorkerOptions;
const send = (message: NoopWorkerMessage) => process.send!(message);
const starts: [number, number][] = [];
let count = 0;
let firstAt = 0;

const pool = createPool(options.databaseUrl, options.poolSize, quietLogger);
const runner = await run({
  pgPool: pool,
  concurrency: options.concurrency,
  noHandleSignals: true,
  pollInterval: 1000,
  logger: graphileLogger(quietLogger),
  events: new EventEmitter() as WorkerEvents,
  parsedCronItems: parseCronItems([]),
  preset: options.preset,
  taskList: {
    bench_noop: async (payload) => {
      const at = nowMs();
      if (count === 0) firstAt = at;
      count++;
      if (options.recordStarts) starts.push([(payload as { i: number }).i, at]);
      if (count === options.expect) send({ type: "drained", count, firstAt, lastAt: at });
    },
  },
});
send({ type: "ready" });

let stopping = false;
process.on("message", async (message: string) => {
  if (message === "report") send({ type: "starts", starts });
  if ((message === "stop" || message === "report") && !stopping) {
    stopping = true;
    await runner.stop();
    await pool.end();
    process.exit(0);
  }
});
