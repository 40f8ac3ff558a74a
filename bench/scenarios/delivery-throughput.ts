import type { BenchReceiver } from "../bench-receiver.ts";
import type { BenchSizes } from "../bench-sizes.ts";
import { drainBacklog, type DrainResult } from "../drain-backlog.ts";
import { NoopWorker } from "../noop-worker.ts";
import { runRawHttp } from "../raw-http.ts";
import { createScratchDatabase } from "../scratch-database.ts";
import { seedNoopJobs } from "../seed.ts";

export const GRAPHILE_FASTEST_PRESET = { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } };

export interface ThroughputResult {
  backlog: number;
  concurrency: number;
  delivery: DrainResult;
  noopDefaultPerSecond: number;
  noopFastestPerSecond: number;
  rawHttpPerSecond: number;
  /** delivery ÷ baseline (targets: ≥ 0.5 of noop default and of raw HTTP). */
  ofNoopDefault: number;
  ofNoopFastest: number;
  ofRawHttp: number;
}

/** graphile-worker draining `count` no-op jobs at `concurrency`: jobs/s from first to last job start. */
export async function noopJobsPerSecond(count: number, concurrency: number, preset: { worker?: Record<string, unknown> }): Promise<number> {
  const scratch = await createScratchDatabase(2);
  try {
    await seedNoopJobs(scratch.pool, count);
    await scratch.pool.query("VACUUM ANALYZE");
    const worker = await NoopWorker.start({ databaseUrl: scratch.url, concurrency, poolSize: concurrency + 8, preset, expect: count, recordStarts: false });
    try {
      const drained = await worker.next("drained");
      return Math.round((count * 1000) / (drained.lastAt - drained.firstAt));
    } finally {
      await worker.stop();
    }
  } finally {
    await scratch.drop();
  }
}

export async function rawHttpPerSecond(receiver: BenchReceiver, count: number, concurrency: number): Promise<number> {
  receiver.reset();
  const { failures } = await runRawHttp(receiver.url("/raw"), count, concurrency);
  if (failures > 0) throw new Error(`raw HTTP baseline: ${failures} of ${count} POSTs failed`);
  return Math.round((count * 1000) / (receiver.lastAt - receiver.firstAt));
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Signed deliveries/s from a backlog vs. the engine's no-op speed and the HTTP client's raw speed. */
export async function measureThroughput(sizes: BenchSizes, receiver: BenchReceiver, env: Record<string, string>, cpuProfile: boolean): Promise<ThroughputResult> {
  const { backlog, concurrency } = sizes;
  const delivery = await drainBacklog({ receiver, backlog, partners: sizes.partners, processes: 1, env, cpuProfile });
  const noopDefaultPerSecond = await noopJobsPerSecond(backlog, concurrency, {});
  const noopFastestPerSecond = await noopJobsPerSecond(backlog, concurrency, GRAPHILE_FASTEST_PRESET);
  const rawHttp = await rawHttpPerSecond(receiver, backlog, concurrency);
  return {
    backlog,
    concurrency,
    delivery,
    noopDefaultPerSecond,
    noopFastestPerSecond,
    rawHttpPerSecond: rawHttp,
    ofNoopDefault: ratio(delivery.deliveriesPerSecond, noopDefaultPerSecond),
    ofNoopFastest: ratio(delivery.deliveriesPerSecond, noopFastestPerSecond),
    ofRawHttp: ratio(delivery.deliveriesPerSecond, rawHttp),
  };
}
