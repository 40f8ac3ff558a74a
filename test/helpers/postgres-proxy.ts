import net from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy in front of the shared PostgreSQL server. `cut()` drops every connection and refuses
 * new ones until `restore()`: to the processes behind it, the database is down, while the real
 * server (used by other test suites) keeps running.
 */
export class PostgresProxy {
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  private readonly server = net.createServer((client) => {
    if (this.down) return client.destroy();
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });

  private readonly target: { host: string; port: number };

  private constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  static async start(serverUrl: string): Promise<PostgresProxy> {
    const url = new URL(serverUrl);
    const proxy = new PostgresProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = "127.0.0.1";
    url.port = String((this.server.address() as AddressInfo).port);
    return url.toString();
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
