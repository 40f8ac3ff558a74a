import type { DeliverySummary } from "./api-types.ts";
import { deliveryHref } from "./hash-route.ts";
import { StatusBadge } from "./status-badge.tsx";
import { TimeText } from "./time-text.tsx";

export function lastResult(d: Pick<DeliverySummary, "lastResponseStatus" | "lastErrorCode" | "skipReason">): string {
  if (d.skipReason) return d.skipReason.replaceAll("_", " ");
  if (d.lastErrorCode && d.lastErrorCode !== "http_status") return d.lastErrorCode;
  return d.lastResponseStatus === null ? "—" : `HTTP ${d.lastResponseStatus}`;
}

/** On a phone the rows become cards: each cell carries its column name in data-label for the CSS to show. */
export function DeliveryTable({ deliveries, showPartner }: { deliveries: DeliverySummary[]; showPartner: boolean }) {
  return (
    <table class="deliveries">
      <caption class="visually-hidden">Deliveries, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Subject</th>
          <th scope="col">Status</th>
          <th scope="col">Event type</th>
          {showPartner && <th scope="col">Partner</th>}
          <th scope="col">Attempts</th>
          <th scope="col">Last result</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.id} class={d.status === "failed" ? "is-failed" : undefined} data-delivery-id={d.id}>
            <th scope="row" data-label="Subject">
              <a href={deliveryHref(d.id)}>{d.subjectId}</a>
            </th>
            <td data-label="Status">
              <StatusBadge status={d.status} />
            </td>
            <td data-label="Event type">{d.eventType}</td>
            {showPartner && <td data-label="Partner">{d.partnerId}</td>}
            <td data-label="Attempts">{d.attemptCount}</td>
            <td data-label="Last result">{lastResult(d)}</td>
            <td data-label="Created">
              <TimeText iso={d.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
