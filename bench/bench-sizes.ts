/** How big each scenario is; --quick shrinks everything so the whole run stays under a minute. */
export interface BenchSizes {
  mode: "default" | "quick";
  concurrency: number;
  writePathSeconds: number;
  writePathRounds: number;
  producerConnections: number;
  backlog: number;
  scalingBacklogs: number[];
  processScalingBacklog: number;
  processCounts: number[];
  latencySeconds: number;
  noisySeconds: number;
  noisyTimeoutMs: number;
  partners: number;
}

export function benchSizes(quick: boolean, concurrency: number): BenchSizes {
  if (quick) {
    return {
      mode: "quick",
      concurrency,
      writePathSeconds: 1,
      writePathRounds: 1,
      producerConnections: 8,
      backlog: 1_500,
      scalingBacklogs: [750, 1_500, 2_500],
      processScalingBacklog: 1_500,
      processCounts: [1, 2, 4],
      latencySeconds: 1,
      noisySeconds: 2,
      noisyTimeoutMs: 1_000,
      partners: 50,
    };
  }
  return {
    mode: "default",
    concurrency,
    writePathSeconds: 5,
    writePathRounds: 2,
    producerConnections: 8,
    backlog: 50_000,
    scalingBacklogs: [10_000, 50_000, 100_000],
    processScalingBacklog: 20_000,
    processCounts: [1, 2, 4],
    latencySeconds: 15,
    noisySeconds: 20,
    noisyTimeoutMs: 2_000,
    partners: 200,
  };
}
