/** A worker slot held by one attempt; give it back with how long the attempt took. */
export interface PartnerSlot {
  release(durationMs: number): void;
}

/**
 * Per-process cap on how many attempts a *slow* partner may have in flight, so one partner whose
 * endpoint hangs until the timeout cannot take every worker slot and starve the others. A partner
 * is slow while one of its attempts has run longer than `slowAfterMs`, or when its last attempt
 * did; fast partners are never capped, so one big healthy partner still gets every slot.
 */
export class SlowPartnerSlots {
  private readonly inFlight = new Map<string, Set<{ startedAt: number }>>();
  private readonly slow = new Set<string>();

  private readonly slotsPerSlowPartner: number;
  private readonly slowAfterMs: number;

  constructor(slotsPerSlowPartner: number, slowAfterMs: number) {
    this.slotsPerSlowPartner = slotsPerSlowPartner;
    this.slowAfterMs = slowAfterMs;
  }

  /** A slot for an attempt starting now, or null when the partner is slow and at its cap. */
  tryTake(partnerId: string): PartnerSlot | null {
    const now = performance.now();
    const attempts = this.inFlight.get(partnerId) ?? new Set<{ startedAt: number }>();
    if (attempts.size >= this.slotsPerSlowPartner && this.isSlow(partnerId, attempts, now)) return null;
    const attempt = { startedAt: now };
    attempts.add(attempt);
    this.inFlight.set(partnerId, attempts);
    return {
      release: (durationMs) => {
        attempts.delete(attempt);
        if (attempts.size === 0 && this.inFlight.get(partnerId) === attempts) this.inFlight.delete(partnerId);
        if (durationMs >= this.slowAfterMs) this.slow.add(partnerId);
        else this.slow.delete(partnerId);
      },
    };
  }

  private isSlow(partnerId: string, attempts: Set<{ startedAt: number }>, now: number): boolean {
    if (this.slow.has(partnerId)) return true;
    for (const attempt of attempts) if (now - attempt.startedAt >= this.slowAfterMs) return true;
    return false;
  }
}
