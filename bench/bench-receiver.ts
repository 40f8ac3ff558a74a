import http from "node:http";
import type { AddressInfo } from "node:net";
import { nowMs } from "./clock.ts";

/**
 * An HTTP server on 127.0.0.1 that answers 200 at once (or, when `hang`, never answers) and
 * records when each request arrived: by path (one path per partner) and by webhook-id.
 */
export class BenchReceiver {
  count = 0;
  firstAt = 0;
  lastAt = 0;
  /** webhook-id → arrival time, only while `trackIds` is on (latency scenarios). */
  readonly arrivals = new Map<string, number>();
  trackIds = false;
  private readonly waiters: { count: number; wake: () => void }[] = [];
  private readonly server: http.Server;

  private readonly hang: boolean;

  private constructor(hang: boolean) {
    this.hang = hang;
    this.server = http.createServer((req, res) => {
      const at = nowMs();
      if (this.count === 0) this.firstAt = at;
      this.lastAt = at;
      this.count++;
      if (this.trackIds) {
        const id = req.headers["webhook-id"];
        if (typeof id === "string") this.arrivals.set(id, at);
      }
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.count >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.wake();
      }
      req.resume();
      if (this.hang) return;
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
        res.end("ok");
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(options: { hang?: boolean } = {}): Promise<BenchReceiver> {
    const receiver = new BenchReceiver(options.hang ?? false);
    await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", 1024, resolve));
    return receiver;
  }

  url(path = "/webhooks"): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  reset(): void {
    this.count = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.arrivals.clear();
  }

  /** Resolves when `count` requests have arrived in total; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.count >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.count} of ${count} requests within ${timeoutMs} ms`)), timeoutMs);
      // A wait that lost a race (a worker crashed) must not keep the run alive until it times out.
      timer.unref();
      this.waiters.push({ count, wake: () => (clearTimeout(timer), resolve()) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
