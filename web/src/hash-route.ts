import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "deliveries"; query: URLSearchParams }
  | { page: "delivery"; deliveryId: string }
  | { page: "webhook"; query: URLSearchParams }
  | { page: "not-found" };

// Hash routes (#/deliveries/dlv_…) need no server fallback: the API keeps answering unknown paths with problem+json.
export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  const query = new URLSearchParams(search);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts[0] === "deliveries" && parts.length === 1)) return { page: "deliveries", query };
  if (parts[0] === "deliveries" && parts.length === 2) return { page: "delivery", deliveryId: parts[1]! };
  if (parts[0] === "webhook" && parts.length === 1) return { page: "webhook", query };
  return { page: "not-found" };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export const deliveryHref = (id: string) => `#/deliveries/${encodeURIComponent(id)}`;

export function deliveriesHref(filters: Record<string, string | undefined>): string {
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const search = query.toString();
  return `#/deliveries${search ? `?${search}` : ""}`;
}
