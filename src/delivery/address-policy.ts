import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import type { AttemptErrorCode } from "./http-sender.ts";

// Targets a partner URL must never reach unless WEBHOOK_ALLOW_PRIVATE_URLS=true: this host, private
// networks, link-local (incl. the 169.254.169.254 cloud metadata service), CGNAT, multicast, reserved.
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8], ["2001:db8::", 32], ["100::", 64],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

// IPv6 forms that embed an IPv4 address: ::ffff:a.b.c.d (mapped), 64:ff9b::a.b.c.d (NAT64), ::a.b.c.d (compatible).
const EMBEDDED_V4 = /^(?:::ffff:(?:0:)?|64:ff9b::|::)((?:\d{1,3}\.){3}\d{1,3})$/i;
const EMBEDDED_V4_HEX = /^(?:::ffff:(?:0:)?|64:ff9b::|::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

function embeddedIpv4(address: string): string | null {
  const dotted = EMBEDDED_V4.exec(address);
  if (dotted) return dotted[1]!;
  const hex = EMBEDDED_V4_HEX.exec(address);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** Why `address` (a literal IP) may not be a webhook target, or null when it may. */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return `"${address}" is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== null) return blockedAddressReason(v4);
  }
  const isBlocked = blocked.check(bare, family === 4 ? "ipv4" : "ipv6");
  return isBlocked ? `${bare} is a loopback, private, link-local, metadata or reserved address` : null;
}

export interface UrlProblem {
  code: Extract<AttemptErrorCode, "invalid_url" | "blocked_address">;
  message: string;
}

/**
 * What is wrong with `url` as a webhook target before any DNS lookup, or null. Used when the URL is
 * set and again before every attempt; names are checked after resolving (see http-sender.ts).
 */
export function webhookUrlProblem(url: string, allowPrivateAddresses: boolean): UrlProblem | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { code: "invalid_url", message: `"${url}" is not an absolute URL` };
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    return { code: "invalid_url", message: `${target.protocol} URLs are not supported; use https://` };
  }
  if (target.protocol === "http:" && !allowPrivateAddresses) {
    return { code: "invalid_url", message: "plain http:// is refused; use https:// (or WEBHOOK_ALLOW_PRIVATE_URLS=true in development)" };
  }
  if (target.username || target.password) {
    return { code: "invalid_url", message: "credentials in the URL are not supported; put them in the path or a query parameter" };
  }
  const host = target.hostname.replace(/^\[|\]$/g, "");
  // WHATWG URL parsing already turned decimal/octal/hex IPv4 spellings into dotted form.
  if (!allowPrivateAddresses && isIP(host) !== 0) {
    const reason = blockedAddressReason(host);
    if (reason) return { code: "blocked_address", message: reason };
  }
  return null;
}

/** Resolves `hostname` the way a connection would and says why it may not be a target, or null. */
export async function hostResolutionProblem(hostname: string, resolve: typeof dnsLookup = dnsLookup): Promise<UrlProblem | null> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return null;
  try {
    const addresses = await new Promise<LookupAddress[]>((done, fail) =>
      resolve(host, { all: true }, (error, result: LookupAddress[]) => (error ? fail(error) : done(result))),
    );
    const reason = addresses.map((a) => blockedAddressReason(a.address)).find((r) => r !== null);
    return reason ? { code: "blocked_address", message: `${host} resolves to ${reason}` } : null;
  } catch (error) {
    return { code: "invalid_url", message: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? "DNS error"}); check the host name` };
  }
}
