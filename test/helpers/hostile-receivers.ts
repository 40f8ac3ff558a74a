import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export type HostileKind =
  | "hang"
  | "reset"
  | "trickle-headers"
  | "trickle-body"
  | "gigabyte-body"
  | "redirect-to-self"
  | "redirect-to-metadata"
  | "late-success"
  | "invalid-http";

export interface HostileReceiver {
  kind: HostileKind;
  url: string;
  /** Connections accepted and response bytes written so far. */
  stats: { connections: number; requests: number; bytesSent: number };
  close(): Promise<void>;
}

const GIBIBYTE = 1024 ** 3;
const CHUNK = Buffer.alloc(64 * 1024, "x");

/**
 * A partner server on 127.0.0.1 that misbehaves in one way. Raw node:net for what HTTP servers cannot
 * do (never answer, reset, trickle the status line, answer garbage), node:http for the rest.
 */
export async function startHostileReceiver(kind: HostileKind, options: { lateMs?: number } = {}): Promise<HostileReceiver> {
  const stats = { connections: 0, requests: 0, bytesSent: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, fn: () => void) => {
    const timer = setInterval(fn, ms);
    timers.add(timer);
    return timer;
  };
  let url = "";

  const rawBehaviour = (socket: net.Socket) => {
    socket.once("data", () => {
      stats.requests++;
      if (kind === "reset") socket.resetAndDestroy();
      if (kind === "invalid-http") {
        socket.end("THIS IS NOT HTTP\r\n\u0000\u0001\r\n\r\n");
        stats.bytesSent += 24;
      }
      if (kind === "trickle-headers") {
        // One byte of an endless status line every 100 ms: headers never complete.
        const line = Buffer.from("HTTP/1.1 200 OK\r\nX-Slow: " + "z".repeat(10_000));
        let sent = 0;
        const timer = every(100, () => {
          if (socket.destroyed || sent >= line.length) return clearInterval(timer);
          socket.write(line.subarray(sent, sent + 1));
          sent++;
          stats.bytesSent++;
        });
      }
    });
  };

  const httpBehaviour = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on("end", () => {
      stats.requests++;
      if (kind === "redirect-to-self") return res.writeHead(302, { location: url }).end();
      if (kind === "redirect-to-metadata") return res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data/iam/" }).end();
      if (kind === "late-success") {
        const timer = setTimeout(() => res.writeHead(200).end("too late"), options.lateMs ?? 3000);
        timers.add(timer);
        return;
      }
      if (kind === "trickle-body") {
        res.writeHead(200, { "content-type": "text/plain" });
        const timer = every(100, () => {
          if (res.destroyed) return clearInterval(timer);
          res.write(".");
          stats.bytesSent++;
        });
        return;
      }
      // gigabyte-body: streamed with backpressure from one reused chunk, never held in memory.
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(GIBIBYTE) });
      const pump = () => {
        while (stats.bytesSent < GIBIBYTE && !res.destroyed) {
          stats.bytesSent += CHUNK.length;
          if (!res.write(CHUNK)) return res.once("drain", pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    });
  };

  const raw = ["hang", "reset", "trickle-headers", "invalid-http"].includes(kind);
  const server: net.Server = raw ? net.createServer(rawBehaviour) : http.createServer(httpBehaviour);
  server.on("connection", (socket: net.Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;

  return {
    kind,
    url,
    stats,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
