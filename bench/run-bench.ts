// npm run bench [-- --quick] [-- --cpu-prof]: the performance suite (see README "Performance").
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { envToConfig } from "../src/config.ts";
import { BenchReceiver } from "./bench-receiver.ts";
import { benchSizes, type BenchSizes } from "./bench-sizes.ts";
import { nowMs } from "./clock.ts";
import { resultsTable } from "./results-table.ts";
import { measureLatency, type LatencyResult } from "./scenarios/latency.ts";
import { measureNoisyNeighbour, type NoisyNeighbourResult } from "./scenarios/noisy-neighbour.ts";
import { measureScaling, type ScalingResult } from "./scenarios/scaling.ts";
import { measureThroughput, type ThroughputResult } from "./scenarios/delivery-throughput.ts";
import { measureWritePath, type WritePathResult } from "./scenarios/write-path.ts";
import { createBenchTemplate, dropAllScratchDatabases } from "./scratch-database.ts";
import { chooseTestServer, stopTestServer, testServerUrl } from "../test/helpers/test-server.ts";

export interface BenchResults {
  startedAt: string;
  wallSeconds: number;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string; platform: string };
  sizes: BenchSizes;
  writePath: WritePathResult;
  throughput: ThroughputResult;
  latency: LatencyResult[];
  scaling: ScalingResult;
  noisyNeighbour: NoisyNeighbourResult;
}

const RESULTS = fileURLToPath(new URL("./results/latest.json", import.meta.url));

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const cpuProfile = argv.includes("--cpu-prof");
  const sizes = benchSizes(quick, envToConfig({}).workerConcurrency);
  const env = { WORKER_CONCURRENCY: String(sizes.concurrency) };
  await chooseTestServer();
  const started = nowMs();
  const log = (message: string) => console.error(`[bench +${Math.round((nowMs() - started) / 1000)}s] ${message}`);
  const receiver = await BenchReceiver.start();
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: await postgresVersion(),
    platform: `${os.type()} ${os.release()}`,
  };
  try {
    await createBenchTemplate();
    log(`${sizes.mode} sizes, concurrency ${sizes.concurrency}; write path`);
    const writePath = await measureWritePath(sizes, receiver.url());
    log(`delivery throughput from a ${sizes.backlog} backlog, then the baselines`);
    const throughput = await measureThroughput(sizes, receiver, env, cpuProfile);
    const maxRate = throughput.delivery.deliveriesPerSecond;
    log(`latency at 25% and 75% of ${maxRate}/s`);
    // The engine baseline runs with the settings our worker uses: graphile-worker's defaults (see README, Performance).
    const latency = await measureLatency(sizes, receiver, env, maxRate, {});
    log("noisy neighbour");
    const noisyNeighbour = await measureNoisyNeighbour(sizes, receiver, env, maxRate);
    log("scaling by backlog and by worker processes");
    const scaling = await measureScaling(sizes, receiver, env, throughput.delivery);
    const results: BenchResults = {
      startedAt: new Date(performance.timeOrigin).toISOString(),
      wallSeconds: Math.round((nowMs() - started) / 1000),
      machine,
      sizes,
      writePath,
      throughput,
      latency,
      scaling,
      noisyNeighbour,
    };
    await mkdir(new URL("./results/", import.meta.url), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}; ${sizes.mode} sizes; ${results.wallSeconds} s\n`);
    console.log(resultsTable(results));
    log(`wrote ${RESULTS}`);
  } finally {
    await receiver.close();
    await dropAllScratchDatabases();
    await stopTestServer();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
