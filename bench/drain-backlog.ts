import { nowMs, sleep } from "./clock.ts";
import type { BenchReceiver } from "./bench-receiver.ts";
import { postgresCpuSeconds } from "./process-cpu.ts";
import { createScratchDatabase } from "./scratch-database.ts";
import { countDeliveries, seedBacklog, seedPartners } from "./seed.ts";
import { WorkerProcesses } from "./worker-processes.ts";

export interface DrainOptions {
  receiver: BenchReceiver;
  backlog: number;
  partners: number;
  processes: number;
  env: Record<string, string>;
  cpuProfile?: boolean;
}

export interface DrainResult {
  backlog: number;
  processes: number;
  /** First to last arrival at the receiver. */
  deliveriesPerSecond: number;
  /** First arrival until every delivery is recorded `succeeded` in the database. */
  drainSeconds: number;
  seedSeconds: number;
  peakRssMiB: number[];
  /** CPU time per delivery in the worker process(es) and in their PostgreSQL backends: steadier than rates on a shared machine. */
  workerCpuMsPerDelivery: number;
  postgresCpuMsPerDelivery: number;
}

/**
 * Seeds `backlog` events through the real outbox trigger, starts the worker process(es) and
 * measures how fast they deliver everything to the receiver and record it.
 */
export async function drainBacklog(options: DrainOptions): Promise<DrainResult> {
  const { receiver, backlog } = options;
  const scratch = await createScratchDatabase(4);
  try {
    const partnerIds = await seedPartners(scratch.pool, options.partners, (id) => receiver.url(`/p/${id}`));
    const seedStart = nowMs();
    await seedBacklog(scratch.pool, partnerIds, backlog);
    // Fresh planner statistics, so every drain starts from the same state whatever its size.
    await scratch.pool.query("VACUUM ANALYZE");
    const seedSeconds = (nowMs() - seedStart) / 1000;
    receiver.reset();
    const workers = WorkerProcesses.start(options.processes, { databaseUrl: scratch.url, env: options.env, cpuProfile: options.cpuProfile });
    try {
      await Promise.race([receiver.waitFor(backlog, 600_000), workers.crashed]);
      while ((await countDeliveries(scratch.pool, "succeeded")) < backlog) await sleep(100);
      const recordedAt = nowMs();
      const workerCpu = await workers.cpuSeconds();
      const postgresCpu = await postgresCpuSeconds(scratch.pool, scratch.name);
      return {
        backlog,
        processes: options.processes,
        deliveriesPerSecond: Math.round((backlog * 1000) / (receiver.lastAt - receiver.firstAt)),
        drainSeconds: Math.round((recordedAt - receiver.firstAt) / 100) / 10,
        seedSeconds: Math.round(seedSeconds * 10) / 10,
        peakRssMiB: await workers.peakRssMiB(),
        workerCpuMsPerDelivery: Math.round((workerCpu * 1_000_000) / backlog) / 1000,
        postgresCpuMsPerDelivery: Math.round((postgresCpu * 1_000_000) / backlog) / 1000,
      };
    } finally {
      await workers.stop();
    }
  } finally {
    await scratch.drop();
  }
}
