import { useEffect, useState } from "preact/hooks";
import { type ApiClient, errorMessage } from "./api-client.ts";
import type { DeliveryCounts, DeliveryPage, Me } from "./api-types.ts";
import { DeliveryFilters, type Filters, filtersFrom } from "./delivery-filters.tsx";
import { DeliveryTable } from "./delivery-table.tsx";
import { deliveriesHref } from "./hash-route.ts";
import { PageHeading } from "./page-heading.tsx";
import { usePolling } from "./polling.ts";
import { StatusCounts } from "./status-counts.tsx";

const PAGE_SIZE = 25;
const REFRESH_MS = 5000;

export function DeliveriesPage({ api, me, query }: { api: ApiClient; me: Me; query: URLSearchParams }) {
  const filters = filtersFrom(query);
  const filterKey = query.toString();
  // The cursor of every page visited so far: the API pages forward only, so going back re-reads a remembered cursor.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<DeliveryPage | null>(null);
  const [counts, setCounts] = useState<DeliveryCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const pageNumber = cursors.length;

  const listPath = (cursor: string | undefined) => {
    const params = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
    params.set("limit", String(PAGE_SIZE));
    if (cursor) params.set("cursor", cursor);
    return `/v1/deliveries?${params}`;
  };
  const countsPath = () => (filters.partnerId && me.role !== "partner" ? `/v1/deliveries/counts?partnerId=${encodeURIComponent(filters.partnerId)}` : "/v1/deliveries/counts");

  const loadPage = async (cursor: string | undefined) => {
    try {
      setPage(await api.get<DeliveryPage>(listPath(cursor)));
      setError(null);
    } catch (e) {
      setPage(null);
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };
  const loadCounts = async () => setCounts(await api.get<DeliveryCounts>(countsPath()));

  useEffect(() => {
    setCursors([undefined]);
    setLoading(true);
    void loadPage(undefined);
    loadCounts().catch(() => setCounts(null));
  }, [filterKey]);

  // Live: totals always, and the first page too, so new deliveries appear at the top.
  usePolling(async () => {
    await loadCounts();
    if (pageNumber === 1) await loadPage(undefined);
  }, REFRESH_MS);

  const go = (next: Filters) => (location.hash = deliveriesHref({ ...next }));
  const older = () => {
    if (!page?.nextCursor) return;
    setCursors([...cursors, page.nextCursor]);
    setLoading(true);
    void loadPage(page.nextCursor);
  };
  const newer = () => {
    const previous = cursors.slice(0, -1);
    setCursors(previous);
    setLoading(true);
    void loadPage(previous[previous.length - 1]);
  };

  return (
    <>
      <PageHeading title="Deliveries" />
      <StatusCounts counts={counts} active={filters.status} onPick={(status) => go({ ...filters, status })} />
      <DeliveryFilters key={filterKey} me={me} filters={filters} onApply={go} />
      <section aria-labelledby="results-title" aria-busy={loading}>
        <h2 id="results-title" class="visually-hidden">
          Results
        </h2>
        <p class="result-summary" role="status">
          {loading ? "Loading…" : page ? `${page.data.length === 0 ? "No deliveries match." : `Page ${pageNumber}: ${page.data.length} ${page.data.length === 1 ? "delivery" : "deliveries"}${page.nextCursor ? "" : " (last page)"}`}` : ""}
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {page && page.data.length > 0 && <DeliveryTable deliveries={page.data} showPartner={me.role !== "partner"} />}
        <nav class="pager" aria-label="Pages">
          <button type="button" onClick={newer} disabled={pageNumber === 1}>
            ← Newer
          </button>
          <button type="button" onClick={older} disabled={!page?.nextCursor}>
            Older →
          </button>
        </nav>
      </section>
    </>
  );
}
