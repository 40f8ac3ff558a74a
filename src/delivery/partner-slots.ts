/** The graphile-worker job flag every delivery job carries, so a worker can skip one partner's jobs. */
export const partnerFlag = (partnerId: string) => `partner:${partnerId}`;

/** One partner may hold at most half of a worker process's delivery slots, so a dead partner's backlog leaves the rest to others. */
export function partnerSlotLimit(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 2));
}

/** Deliveries in flight per partner in this worker process. */
export class PartnerSlots {
  private readonly inFlight = new Map<string, number>();
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  tryTake(partnerId: string): boolean {
    const held = this.inFlight.get(partnerId) ?? 0;
    if (held >= this.limit) return false;
    this.inFlight.set(partnerId, held + 1);
    return true;
  }

  release(partnerId: string): void {
    const held = (this.inFlight.get(partnerId) ?? 1) - 1;
    if (held <= 0) this.inFlight.delete(partnerId);
    else this.inFlight.set(partnerId, held);
  }

  /** For graphile-worker's forbiddenFlags: jobs of partners at their limit are not fetched. */
  fullPartnerFlags(): string[] | null {
    const full = [...this.inFlight].filter(([, held]) => held >= this.limit).map(([partnerId]) => partnerFlag(partnerId));
    return full.length > 0 ? full : null;
  }
}
