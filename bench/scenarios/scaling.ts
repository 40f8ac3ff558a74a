import type { BenchReceiver } from "../bench-receiver.ts";
import type { BenchSizes } from "../bench-sizes.ts";
import { drainBacklog, type DrainResult } from "../drain-backlog.ts";

export interface ScalingResult {
  /** One worker process, growing backlogs: does drain time grow linearly, does memory stay flat? */
  byBacklog: DrainResult[];
  /** Same backlog, 1, 2, 4 worker processes. */
  byProcesses: DrainResult[];
}

export async function measureScaling(sizes: BenchSizes, receiver: BenchReceiver, env: Record<string, string>, known: DrainResult): Promise<ScalingResult> {
  const byBacklog: DrainResult[] = [];
  for (const backlog of sizes.scalingBacklogs) {
    byBacklog.push(backlog === known.backlog ? known : await drainBacklog({ receiver, backlog, partners: sizes.partners, processes: 1, env }));
  }
  const byProcesses: DrainResult[] = [];
  for (const processes of sizes.processCounts) {
    const backlog = sizes.processScalingBacklog;
    const same = byBacklog.find((d) => d.backlog === backlog && processes === 1);
    byProcesses.push(same ?? (await drainBacklog({ receiver, backlog, partners: sizes.partners, processes, env })));
  }
  return { byBacklog, byProcesses };
}
