import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AdminDeps } from "./admin-deps.ts";
import { ensureBootstrapKey } from "./api-key-store.ts";
import { createAdminApp } from "./app.ts";

// In-flight API requests get this long to finish on shutdown before their connections are closed.
const CLOSE_DEADLINE_MS = 5000;

export interface RunningAdminServer {
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(deps: AdminDeps, port = deps.config.port, { opsOnly = false } = {}): Promise<RunningAdminServer> {
  if (!opsOnly && deps.config.adminApiKey) await ensureBootstrapKey(deps.db, deps.config.adminApiKey);
  const app = createAdminApp(deps, { opsOnly });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, () => resolve(s));
    s.once("error", reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  if (opsOnly) {
    deps.logger.info("health and metrics listening", { url: `http://localhost:${actualPort}/metrics` });
  } else deps.logger.info("admin API listening", { url: `http://localhost:${actualPort}`, docs: `http://localhost:${actualPort}/docs`, bootstrapAdminKey: deps.config.adminApiKey ? "from ADMIN_API_KEY" : "none (create one with: npm start -- keys create --role admin --name <name>)" });
  return {
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_DEADLINE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
