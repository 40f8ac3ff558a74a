export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of `samples` (milliseconds), rounded to 0.1 ms. */
export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return NaN;
    const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
    return Math.round(value * 10) / 10;
  };
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
}
