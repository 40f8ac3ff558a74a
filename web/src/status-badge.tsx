import type { DeliveryStatus } from "./api-types.ts";

// A symbol as well as a colour, so the status reads without colour vision.
const SYMBOL: Record<DeliveryStatus, string> = { pending: "◷", succeeded: "✓", failed: "✕", skipped: "–" };

export function StatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <span class={`badge badge-${status}`}>
      <span aria-hidden="true">{SYMBOL[status]}</span> {status}
    </span>
  );
}
