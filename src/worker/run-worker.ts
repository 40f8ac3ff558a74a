import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import { createDeliverWebhookTask, type DeliveryDeps } from "../delivery/deliver-webhook-task.ts";
import { DELIVER_WEBHOOK_TASK } from "../delivery/job-payload.ts";
import { PartnerSlots, partnerSlotLimit } from "../delivery/partner-slots.ts";
import { createPruneTask, PRUNE_TASK, retentionCronItems } from "../retention/prune-task.ts";
import { graphileLogger } from "./graphile-logger.ts";
import { onEscapedDatabaseError } from "./escaped-database-errors.ts";
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
  /** The current graphile-worker pool id (a new one after a restart of the runner). */
  readonly workerPoolId: string;
  /** Stops taking jobs, waits for in-flight deliveries and flushes job completions. */
  stop(): Promise<void>;
}

// Jobs with a future run_at (retries) are found by polling; this bounds how late a retry starts.
export const POLL_INTERVAL_MS = 1000;
// While the database is unreachable, a new runner is tried this often.
const RESTART_DELAY_MS = 1000;
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, pool, db, logger } = deps;
  const slots = new PartnerSlots(partnerSlotLimit(config.workerConcurrency));
  const task = createDeliverWebhookTask({ db, config, logger, metrics: deps.metrics, resolve: deps.resolve, slots });
  const prune = createPruneTask({ db, retentionDays: config.retentionDays, logger });

  const startRunner = async (): Promise<{ runner: Runner; workerPoolId: string }> => {
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
      logger: graphileLogger(logger),
      events,
      // Cron in code also stops graphile-worker looking for a ./crontab file.
      parsedCronItems: retentionCronItems,
      // A partner whose slots are full is not fetched, so its backlog waits in the database, not in our slots.
      forbiddenFlags: () => slots.fullPartnerFlags(),
      taskList: {
        [DELIVER_WEBHOOK_TASK]: task,
        [PRUNE_TASK]: prune,
      },
    });
    return { runner, workerPoolId };
  };

  let stopping = false;
  let current = await startRunner();

  // A job completion lost with its connection leaves that job locked by our (still beating) pool: stop the
  // runner, so the supervision below starts a new one and releases the old pool's locks.
  const unsubscribe = onEscapedDatabaseError((error) => {
    const failing = current;
    logger.error("a database error escaped graphile-worker; restarting its runner", { workerPoolId: failing.workerPoolId, error: (error as Error)?.message });
    failing.runner.stop().catch(() => undefined);
  });

  // graphile-worker also ends its runner by itself when a worker of its pool fails (database connection
  // lost): the process starts a new one, and the old pool's leftover locks are released as soon as the database answers.
  const supervise = (running: typeof current) => {
    running.runner.promise
      .catch((error: unknown) => logger.error("graphile-worker runner failed", { workerPoolId: running.workerPoolId, error: (error as Error)?.message }))
      .then(async () => {
        if (stopping) return;
        logger.error("graphile-worker runner stopped unexpectedly; starting a new one", { workerPoolId: running.workerPoolId });
        while (!stopping) {
          try {
            await forgetWorker(db, running.workerPoolId);
            current = await startRunner();
            logger.warn("graphile-worker runner restarted", { previousWorkerPoolId: running.workerPoolId, workerPoolId: current.workerPoolId });
            if (stopping) await current.runner.stop();
            else supervise(current);
            return;
          } catch (error) {
            logger.warn("cannot restart the graphile-worker runner yet; will retry", { error: (error as Error).message });
            await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
          }
        }
      });
  };
  supervise(current);

  const keepAlive = async () => {
    try {
      await beat(db, current.workerPoolId);
      const unlocked = await unlockJobsOfDeadWorkers(db, config.workerHeartbeatMs);
      if (unlocked.length > 0) logger.warn("unlocked jobs of worker processes that stopped beating", { workerPoolIds: unlocked });
    } catch (error) {
      logger.warn("worker heartbeat failed; will retry", { error: (error as Error).message });
    }
  };
  await keepAlive();
  const timer = setInterval(keepAlive, config.workerHeartbeatMs);
  logger.info("worker started", { workerPoolId: current.workerPoolId, concurrency: config.workerConcurrency });

  return {
    get workerPoolId() {
      return current.workerPoolId;
    },
    async stop() {
      stopping = true;
      unsubscribe();
      clearInterval(timer);
      await current.runner.stop();
      await forgetWorker(db, current.workerPoolId).catch(() => undefined);
      logger.info("worker stopped", { workerPoolId: current.workerPoolId });
    },
  };
}
