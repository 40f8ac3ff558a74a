import { useRef, useState } from "preact/hooks";
import { type ApiClient, errorMessage } from "./api-client.ts";
import type { DeliveryDetail } from "./api-types.ts";
import { lastResult } from "./delivery-table.tsx";
import { deliveryHref } from "./hash-route.ts";
import { StatusBadge } from "./status-badge.tsx";

const POLL_MS = 1000;
const GIVE_UP_MS = 60_000;

/** Sends a webhook.test event through the normal pipeline and follows its delivery until it settles. */
export function TestEvent({ api, partnerId }: { api: ApiClient; partnerId: string }) {
  const [delivery, setDelivery] = useState<DeliveryDetail | null>(null);
  const [message, setMessage] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useRef(0);

  const send = async () => {
    const mine = ++run.current;
    setBusy(true);
    setError(null);
    setDelivery(null);
    try {
      const { deliveryId } = await api.post<{ deliveryId: string }>(`/v1/partners/${encodeURIComponent(partnerId)}/webhook/test`);
      setMessage("Test event sent; waiting for the delivery…");
      const deadline = Date.now() + GIVE_UP_MS;
      for (;;) {
        const current = await api.get<DeliveryDetail>(`/v1/deliveries/${encodeURIComponent(deliveryId)}`);
        if (mine !== run.current) return;
        setDelivery(current);
        // The first attempt settles the test: a failing endpoint would otherwise keep it pending for half an hour of retries.
        if (current.status !== "pending" || current.attempts.length > 0) {
          setMessage(`Test delivery ${current.status === "succeeded" ? "arrived" : "did not arrive"}: ${lastResult(current)}.`);
          break;
        }
        if (Date.now() > deadline) {
          setMessage("The test delivery is still pending: is the worker running?");
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      if (mine === run.current) setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="test-title">
      <h2 id="test-title">Send a test event</h2>
      <p class="muted">
        A <code>webhook.test</code> event goes to the URL above, signed like every other webhook.
      </p>
      <button type="button" onClick={send} disabled={busy}>
        {busy ? "Sending…" : "Send test event"}
      </button>
      <p role="status" aria-live="polite" class="test-result">
        {message}
      </p>
      {delivery && (
        <p class="test-delivery">
          <StatusBadge status={delivery.status} /> <a href={deliveryHref(delivery.id)}>Open the test delivery</a>
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
