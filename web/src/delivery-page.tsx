import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type ApiClient, errorMessage } from "./api-client.ts";
import type { DeliveryDetail, Me } from "./api-types.ts";
import { AttemptTimeline } from "./attempt-timeline.tsx";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { Countdown } from "./countdown.tsx";
import { lastResult } from "./delivery-table.tsx";
import { PageHeading } from "./page-heading.tsx";
import { usePolling } from "./polling.ts";
import { StatusBadge } from "./status-badge.tsx";
import { TimeText } from "./time-text.tsx";

// Faster while an attempt is due, so a redelivery's new attempt shows up within a couple of seconds.
const PENDING_REFRESH_MS = 1500;
const SETTLED_REFRESH_MS = 10_000;

export function DeliveryPage({ api, deliveryId }: { api: ApiClient; me: Me; deliveryId: string }) {
  const [delivery, setDelivery] = useState<DeliveryDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [news, setNews] = useState("");
  const [redeliverError, setRedeliverError] = useState<string | null>(null);
  const attemptsSeen = useRef<number | null>(null);

  const load = async () => {
    try {
      const next = await api.get<DeliveryDetail>(`/v1/deliveries/${encodeURIComponent(deliveryId)}`);
      const seen = attemptsSeen.current;
      if (seen !== null && next.attempts.length > seen) {
        const latest = next.attempts[next.attempts.length - 1]!;
        setNews(`Attempt ${latest.attemptNumber} recorded: ${latest.responseStatus !== null ? `HTTP ${latest.responseStatus}` : latest.errorCode}. Delivery is ${next.status}.`);
      }
      attemptsSeen.current = next.attempts.length;
      setDelivery(next);
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setMissing(true);
      else setError(errorMessage(e));
    }
  };
  useEffect(() => void load(), []);
  usePolling(load, delivery?.status === "pending" ? PENDING_REFRESH_MS : SETTLED_REFRESH_MS, !missing);

  const redeliver = async () => {
    setConfirming(false);
    setRedeliverError(null);
    try {
      const started = await api.post<{ attempt: number }>(`/v1/deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
      setNews(`Redelivery started: attempt ${started.attempt} is on its way.`);
      await load();
    } catch (e) {
      setRedeliverError(errorMessage(e));
    }
  };

  if (missing) {
    return (
      <>
        <PageHeading title="Delivery not found" />
        <p class="error" role="alert">
          No delivery <code>{deliveryId}</code> that this key may see.
        </p>
        <p>
          <a href="#/deliveries">Back to deliveries</a>
        </p>
      </>
    );
  }
  if (!delivery) {
    return (
      <>
        <PageHeading title="Delivery" />
        <p role="status">{error ?? "Loading…"}</p>
      </>
    );
  }

  const webhookBody = { id: delivery.event.id, type: delivery.event.type, timestamp: delivery.event.occurredAt, data: delivery.event.data };
  return (
    <>
      <p class="crumbs">
        <a href="#/deliveries">← Deliveries</a>
      </p>
      <PageHeading title={`Delivery for ${delivery.subjectId}`}>
        Delivery for <span class="break">{delivery.subjectId}</span> <StatusBadge status={delivery.status} />
      </PageHeading>
      <p class="live" aria-live="polite" role="status">
        {news}
      </p>
      {error && (
        <p class="error" role="alert">
          Refreshing failed: {error}
        </p>
      )}
      <div class="detail-grid">
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <dl class="facts">
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={delivery.status} />
              </dd>
            </div>
            {delivery.status === "pending" && delivery.nextAttemptAt && (
              <div>
                <dt>Next attempt</dt>
                <dd>
                  <Countdown iso={delivery.nextAttemptAt} /> (<TimeText iso={delivery.nextAttemptAt} />)
                </dd>
              </div>
            )}
            <div>
              <dt>Last result</dt>
              <dd>{lastResult(delivery)}</dd>
            </div>
            <div>
              <dt>Partner</dt>
              <dd>{delivery.partnerId}</dd>
            </div>
            <div>
              <dt>Event type</dt>
              <dd>{delivery.eventType}</dd>
            </div>
            <div>
              <dt>Delivery id</dt>
              <dd class="break">
                <code>{delivery.id}</code>
              </dd>
            </div>
            <div>
              <dt>Event id (webhook-id)</dt>
              <dd class="break">
                <code>{delivery.eventId}</code>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <TimeText iso={delivery.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Completed</dt>
              <dd>
                <TimeText iso={delivery.completedAt} />
              </dd>
            </div>
          </dl>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setConfirming(true)}>
              Redeliver
            </button>
          </div>
          {redeliverError && (
            <p class="error" role="alert">
              {redeliverError}
            </p>
          )}
        </section>
        <section class="card" aria-labelledby="payload-title">
          <h2 id="payload-title">Payload</h2>
          <p class="muted">The JSON body POSTed to the partner, signed with the same webhook-id on every attempt.</p>
          <pre class="code" tabIndex={0} aria-label="Webhook payload JSON">
            {JSON.stringify(webhookBody, null, 2)}
          </pre>
        </section>
      </div>
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">
          Attempts <span class="muted">({delivery.attempts.length})</span>
        </h2>
        <AttemptTimeline attempts={delivery.attempts} />
      </section>
      <ConfirmDialog open={confirming} title="Redeliver this webhook?" confirmLabel="Redeliver now" onConfirm={redeliver} onCancel={() => setConfirming(false)}>
        <p>
          A new attempt cycle starts now for <strong>{delivery.subjectId}</strong> ({delivery.eventType}) to partner <strong>{delivery.partnerId}</strong>. The partner receives
          the same <code>webhook-id</code> and can deduplicate it.
        </p>
      </ConfirmDialog>
    </>
  );
}
