// The promised schedule: attempt 1 at commit, then one retry after each delay, measured from the
// end of the failed attempt. "0s,1m,5m,10m,15m" → 6 attempts.
export const DEFAULT_RETRY_SCHEDULE = "0s,1m,5m,10m,15m";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "0s,1m,5m" into delays in milliseconds; throws a message naming the bad entry. */
export function parseRetrySchedule(text: string): number[] {
  if (text.trim() === "") return [];
  return text.split(",").map((entry) => {
    const match = /^\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(entry);
    if (!match) {
      throw new Error(`"${entry.trim()}" is not a delay; write each as a number with ms, s, m or h, e.g. "0s,1m,5m"`);
    }
    return Number(match[1]) * UNIT_MS[match[2]!]!;
  });
}

/**
 * The delay before attempt `cycleAttempt + 1` after attempt `cycleAttempt` of a cycle failed,
 * or null when the cycle is over and the delivery is failed.
 */
export function delayAfterFailedAttempt(scheduleMs: readonly number[], cycleAttempt: number): number | null {
  return scheduleMs[cycleAttempt - 1] ?? null;
}
