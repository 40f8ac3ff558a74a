import { envToConfig, withDatabaseUrl } from "../../src/config.ts";
import { createAppContext } from "../../src/context.ts";
import { startWorker, type WorkerDeps } from "../../src/worker/run-worker.ts";
import { silentLogger, type TestDatabase } from "./test-database.ts";

/** Test defaults: loopback receivers allowed, a fast retry schedule, short timeouts and heartbeats. */
export const TEST_ENV = {
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  WEBHOOK_RETRY_SCHEDULE: "0s,20ms,20ms,20ms,20ms",
  WEBHOOK_TIMEOUT_MS: "2000",
  WORKER_HEARTBEAT_MS: "300",
  WORKER_CONCURRENCY: "4",
  // Worker child processes serve /metrics too; port 0 lets several run at once.
  PORT: "0",
};

export function testConfig(t: TestDatabase, env: Record<string, string> = {}) {
  return withDatabaseUrl(envToConfig({ ...TEST_ENV, ...env }), t.url);
}

export async function startTestWorker(t: TestDatabase, env: Record<string, string> = {}, resolve?: WorkerDeps["resolve"]) {
  const ctx = createAppContext(testConfig(t, env), silentLogger);
  const worker = await startWorker({ ...ctx, resolve });
  return {
    ...worker,
    async stop() {
      await worker.stop();
      await ctx.close();
    },
  };
}
