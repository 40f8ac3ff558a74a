import type { Task } from "graphile-worker";
import type { Kysely } from "kysely";
import type { lookup as dnsLookup } from "node:dns";
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { sendWebhook, type SendResult } from "./http-sender.ts";
import { DELIVER_WEBHOOK_TASK, deliverWebhookPayload } from "./job-payload.ts";
import { loadDeliveryForAttempt } from "./load-delivery.ts";
import { markSkipped, recordAttempt } from "./record-attempt.ts";
import { SlowPartnerSlots } from "./slow-partner-slots.ts";
import { activeSecrets, webhookBody, webhookHeaders } from "./webhook-request.ts";

export interface DeliveryDeps {
  db: Kysely<Database>;
  config: Pick<Config, "retryScheduleMs" | "webhookTimeoutMs" | "allowPrivateUrls" | "slowPartnerSlots">;
  logger: Logger;
  metrics?: Pick<Metrics, "attempts" | "attemptDuration">;
  /** DNS resolver used when connecting; tests inject one to simulate rebinding. */
  resolve?: typeof dnsLookup;
}

/**
 * The graphile-worker task for one attempt. A failed HTTP attempt is a recorded outcome and the
 * task returns normally; only infrastructure faults (database unreachable) throw, and then
 * graphile-worker's own retry runs the same attempt number again.
 */
export function createDeliverWebhookTask(deps: DeliveryDeps): Task {
  const { db, config, logger } = deps;
  const slots = new SlowPartnerSlots(config.slowPartnerSlots, Math.min(1000, config.webhookTimeoutMs / 2));
  return async (rawPayload, helpers) => {
    const job = deliverWebhookPayload.parse(rawPayload);
    const delivery = await loadDeliveryForAttempt(db, job.deliveryId);
    const ids = { deliveryId: job.deliveryId, eventId: delivery?.eventId, partnerId: delivery?.partnerId, attempt: job.attempt };
    if (!delivery || delivery.status !== "pending" || delivery.attemptCount !== job.attempt - 1) {
      logger.debug("stale delivery job ignored: the attempt is already recorded", { ...ids, status: delivery?.status });
      return;
    }
    if (delivery.url === null || delivery.enabled !== true) {
      const reason = delivery.url === null ? "no_endpoint" : "endpoint_disabled";
      await markSkipped(db, job.deliveryId, job.attempt, reason);
      logger.info("delivery skipped", { ...ids, reason });
      return;
    }

    const slot = slots.tryTake(delivery.partnerId);
    if (!slot) {
      // Not an attempt: the same job (same attempt number) runs again once a held slot has had time to free up.
      await helpers.addJob(DELIVER_WEBHOOK_TASK, job, { runAt: new Date(Date.now() + config.webhookTimeoutMs) });
      logger.debug("slow partner at its in-flight cap; attempt deferred", ids);
      return;
    }
    const startedAt = new Date();
    let result: SendResult;
    try {
      const body = webhookBody(delivery);
      result = await sendWebhook(
        {
          url: delivery.url,
          headers: webhookHeaders(delivery.eventId, body, activeSecrets(delivery, startedAt), startedAt),
          body,
          timeoutMs: config.webhookTimeoutMs,
          allowPrivateAddresses: config.allowPrivateUrls,
        },
        deps.resolve,
      );
    } finally {
      // A slot that is never given back would mark its partner slow for the life of the process.
      slot.release(Date.now() - startedAt.getTime());
    }
    const recorded = await recordAttempt(db, config.retryScheduleMs, {
      deliveryId: job.deliveryId,
      attempt: job.attempt,
      cycleFirstAttempt: delivery.cycleFirstAttempt,
      trigger: job.trigger,
      url: delivery.url,
      startedAt,
      result,
    });
    if (!recorded) {
      logger.warn("attempt already recorded by another run of this job; this result is dropped", ids);
      return;
    }
    const outcome = recorded.status === "pending" ? "retry_scheduled" : recorded.status;
    deps.metrics?.attempts.inc({ partner_id: delivery.partnerId, outcome, error_code: result.errorCode ?? "" });
    deps.metrics?.attemptDuration.observe({ outcome }, result.durationMs / 1000);
    logger.info("delivery attempt", {
      ...ids,
      trigger: job.trigger,
      outcome: recorded.status,
      responseStatus: result.responseStatus,
      errorCode: result.errorCode,
      durationMs: result.durationMs,
      nextAttemptAt: recorded.nextAttemptAt,
    });
  };
}
