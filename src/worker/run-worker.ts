import { EventEmitter } from "node:events";
import { run, type WorkerEvents } from "graphile-worker";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import { createDeliverWebhookTask, type DeliveryDeps } from "../delivery/deliver-webhook-task.ts";
import { DELIVER_WEBHOOK_TASK } from "../delivery/job-payload.ts";
import { createPruneTask, PRUNE_TASK, retentionCronItems } from "../retention/prune-task.ts";
import { graphileLogger } from "./graphile-logger.ts";
import { beat, forgetWorker, unlockJobsOfDeadWorkers } from "./lock-recovery.ts";

export interface WorkerDeps {
  config: Config;
  pool: pg.Pool;
  db: Kysely<Database>;
  logger: Logger;
  metrics?: DeliveryDeps["metrics"];
  resolve?: DeliveryDeps["resolve"];
}

export interface RunningWorker {
  workerPoolId: string;
  /** Stops taking jobs, waits for in-flight deliveries and flushes job completions. */
  stop(): Promise<void>;
}

// Jobs with a future run_at (retries) are found by polling; this bounds how late a retry starts.
export const POLL_INTERVAL_MS = 1000;
// Measured (bench/): 5 jobs per slot gets the batching win; 50 per slot only locks more jobs away from other processes.
const LOCAL_QUEUE_PER_SLOT = 5;

/**
 * graphile-worker tuning, shared with the benchmark so its engine baseline runs with the same
 * settings: each pool locks a batch of jobs per fetch instead of one per job (jobs still locked in
 * a batch are returned on graceful stop, or unlocked by the heartbeat sweep after a crash), and
 * completions go out in one statement per tick without waiting.
 */
export function workerPreset(concurrency: number) {
  return { worker: { localQueue: { size: LOCAL_QUEUE_PER_SLOT * concurrency }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } };
}

export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, pool, db, logger } = deps;
  const events: WorkerEvents = new EventEmitter();
  let workerPoolId = "";
  events.on("pool:create", ({ workerPool }) => {
    workerPoolId = workerPool.id;
  });

  const runner = await run({
    pgPool: pool,
    concurrency: config.workerConcurrency,
    // Signals belong to the process (src/main.ts), which also stops the API and the pool.
    noHandleSignals: true,
    pollInterval: POLL_INTERVAL_MS,
    preset: workerPreset(config.workerConcurrency),
    logger: graphileLogger(logger),
    events,
    // Cron in code also stops graphile-worker looking for a ./crontab file.
    parsedCronItems: retentionCronItems,
    taskList: {
      [DELIVER_WEBHOOK_TASK]: createDeliverWebhookTask({ db, config, logger, metrics: deps.metrics, resolve: deps.resolve }),
      [PRUNE_TASK]: createPruneTask({ db, retentionDays: config.retentionDays, logger }),
    },
  });

  const keepAlive = async () => {
    try {
      await beat(db, workerPoolId);
      const unlocked = await unlockJobsOfDeadWorkers(db, config.workerHeartbeatMs);
      if (unlocked.length > 0) logger.warn("unlocked jobs of worker processes that stopped beating", { workerPoolIds: unlocked });
    } catch (error) {
      logger.warn("worker heartbeat failed; will retry", { error: (error as Error).message });
    }
  };
  await keepAlive();
  const timer = setInterval(keepAlive, config.workerHeartbeatMs);
  logger.info("worker started", { workerPoolId, concurrency: config.workerConcurrency });

  return {
    workerPoolId,
    async stop() {
      clearInterval(timer);
      await runner.stop();
      await forgetWorker(db, workerPoolId).catch(() => undefined);
      logger.info("worker stopped", { workerPoolId });
    },
  };
}
