import type pg from "pg";
import { nowMs, sleep } from "./clock.ts";

export interface ProducedTransactions {
  /** Key returned by the transaction body → when its COMMIT was sent (ms). */
  committedAt: Map<string, number>;
  achievedRate: number;
}

/**
 * Runs `body` in its own transaction `rate` times per second for `seconds`, on up to the pool's
 * connections at once. Latency is measured from the moment COMMIT is sent: nothing can be
 * delivered before it.
 */
export async function produceAtRate(
  pool: pg.Pool,
  rate: number,
  seconds: number,
  body: (client: pg.PoolClient, i: number) => Promise<string>,
): Promise<ProducedTransactions> {
  const committedAt = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const start = nowMs();
  const total = Math.max(1, Math.round(rate * seconds));
  let sent = 0;
  const one = async (i: number) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const key = await body(client, i);
      const at = nowMs();
      await client.query("COMMIT");
      committedAt.set(key, at);
    } finally {
      client.release();
    }
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * rate) + 1);
    while (sent < due) {
      const run = one(sent++).finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  return { committedAt, achievedRate: Math.round((total * 1000) / (nowMs() - start)) };
}
