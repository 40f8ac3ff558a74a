import type { Task } from "graphile-worker";
import type { Kysely } from "kysely";
import type { lookup as dnsLookup } from "node:dns";
import type { Config } from "../config.ts";
import type { Database } from "../db/types.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { sendWebhook, type SendResult } from "./http-sender.ts";
import { addDeliveryJob, deliverWebhookPayload } from "./job-payload.ts";
import { loadDeliveryForAttempt } from "./load-delivery.ts";
import { PartnerSlots } from "./partner-slots.ts";
import { markSkipped, recordAttempt } from "./record-attempt.ts";
import { activeSecrets, webhookBody, webhookHeaders } from "./webhook-request.ts";

export interface DeliveryDeps {
  db: Kysely<Database>;
  config: Pick<Config, "retryScheduleMs" | "webhookTimeoutMs" | "allowPrivateUrls">;
  logger: Logger;
  metrics?: Pick<Metrics, "attempts" | "attemptDuration">;
  /** DNS resolver used when connecting; tests inject one to simulate rebinding. */
  resolve?: typeof dnsLookup;
  /** Per-partner cap on this process's concurrent deliveries; none when absent. */
  slots?: PartnerSlots;
}

/**
 * The graphile-worker task for one attempt. A failed HTTP attempt is a recorded outcome and the
 * task returns normally; only infrastructure faults (database unreachable) throw, and then
 * graphile-worker's own retry runs the same attempt number again.
 */
export function createDeliverWebhookTask(deps: DeliveryDeps): Task {
  const { db, config, logger } = deps;
  const slots = deps.slots ?? new PartnerSlots(Infinity);
  return async (rawPayload) => {
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

    if (!slots.tryTake(delivery.partnerId)) {
      // Fetched in a race with forbiddenFlags: back to the queue, due now, with the same payload (same attempt).
      // Workers skip this partner until one of its slots frees, so the copy is not fetched in a loop.
      await addDeliveryJob(db, job, delivery.partnerId, new Date());
      logger.debug("partner's delivery slots are full; attempt returned to the queue", ids);
      return;
    }
    const startedAt = new Date();
    const body = webhookBody(delivery);
    let result: SendResult;
    let recorded: Awaited<ReturnType<typeof recordAttempt>>;
    try {
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
      recorded = await recordAttempt(db, config.retryScheduleMs, {
        deliveryId: job.deliveryId,
        partnerId: delivery.partnerId,
        attempt: job.attempt,
        cycleFirstAttempt: delivery.cycleFirstAttempt,
        trigger: job.trigger,
        url: delivery.url,
        startedAt,
        result,
      });
    } finally {
      slots.release(delivery.partnerId);
    }
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

