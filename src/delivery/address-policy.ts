import { BlockList, isIP } from "node:net";

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
