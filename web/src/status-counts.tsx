import { DELIVERY_STATUSES, type DeliveryCounts, type DeliveryStatus } from "./api-types.ts";
import { StatusBadge } from "./status-badge.tsx";

interface Props {
  counts: DeliveryCounts | null;
  active: string | undefined;
  onPick: (status: DeliveryStatus | undefined) => void;
}

/** Totals by status, refreshed while the page is open; pressing one filters the list by it. */
export function StatusCounts({ counts, active, onPick }: Props) {
  const scope = counts ? (counts.partnerId ? `partner ${counts.partnerId}` : "all partners") : "…";
  return (
    <section class="counts" aria-labelledby="counts-title">
      <h2 id="counts-title">Totals for {scope}</h2>
      <ul aria-live="polite">
        {DELIVERY_STATUSES.map((status) => {
          const entry = counts?.counts[status];
          const label = entry ? `${entry.count.toLocaleString()}${entry.capped ? "+" : ""}` : "…";
          return (
            <li>
              <button type="button" class={`count count-${status}`} aria-pressed={active === status} onClick={() => onPick(active === status ? undefined : status)}>
                <StatusBadge status={status} />
                <span class="count-number">{label}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
