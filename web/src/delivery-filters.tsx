import { useState } from "preact/hooks";
import { DELIVERY_STATUSES, EVENT_TYPES, type Me } from "./api-types.ts";

export interface Filters {
  partnerId?: string;
  status?: string;
  eventType?: string;
  subjectId?: string;
  since?: string;
  until?: string;
}

export const FILTER_NAMES = ["partnerId", "status", "eventType", "subjectId", "since", "until"] as const;

export function filtersFrom(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, query.get(name) ?? undefined]).filter(([, value]) => value));
}

// <input type="datetime-local"> speaks local wall-clock time without a zone; the API wants ISO 8601 with one.
const pad = (n: number) => String(n).padStart(2, "0");
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

export function DeliveryFilters({ me, filters, onApply }: { me: Me; filters: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState({ ...filters, since: toLocalInput(filters.since), until: toLocalInput(filters.until) });
  const set = (name: keyof Filters) => (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value });

  const submit = (event: Event) => {
    event.preventDefault();
    onApply({ ...draft, subjectId: draft.subjectId?.trim(), partnerId: draft.partnerId?.trim(), since: fromLocalInput(draft.since), until: fromLocalInput(draft.until) });
  };
  const clear = () => {
    setDraft({ since: "", until: "" });
    onApply({});
  };

  const more = FILTER_NAMES.filter((name) => name !== "subjectId" && filters[name]).length;
  return (
    <form class="filters card" onSubmit={submit} aria-label="Filter deliveries">
      <div class="filters-main">
        <div class="field">
          <label for="f-subject">Subject id</label>
          <input id="f-subject" type="search" placeholder="usr_… or txn_…" value={draft.subjectId ?? ""} onInput={set("subjectId")} />
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            Search
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
      </div>
      {/* Open on a laptop; on a phone folded away so the results come first. */}
      <details class="more-filters" open={more > 0 || !matchMedia("(max-width: 720px)").matches}>
        <summary>More filters{more > 0 ? ` (${more} active)` : ""}</summary>
        <div class="filters-grid">
          {me.role !== "partner" && (
            <div class="field">
              <label for="f-partner">Partner id</label>
              <input id="f-partner" type="search" placeholder="all partners" value={draft.partnerId ?? ""} onInput={set("partnerId")} />
            </div>
          )}
          <div class="field">
            <label for="f-status">Status</label>
            <select id="f-status" value={draft.status ?? ""} onChange={set("status")}>
              <option value="">any</option>
              {DELIVERY_STATUSES.map((status) => (
                <option value={status}>{status}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-type">Event type</label>
            <select id="f-type" value={draft.eventType ?? ""} onChange={set("eventType")}>
              <option value="">any</option>
              {EVENT_TYPES.map((type) => (
                <option value={type}>{type}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-since">Created from</label>
            <input id="f-since" type="datetime-local" value={draft.since} onInput={set("since")} />
          </div>
          <div class="field">
            <label for="f-until">Created before</label>
            <input id="f-until" type="datetime-local" value={draft.until} onInput={set("until")} />
          </div>
        </div>
      </details>
    </form>
  );
}
