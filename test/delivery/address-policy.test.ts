import type { lookup } from "node:dns";
import { expect } from "chai";
import { blockedAddressReason } from "../../src/delivery/address-policy.ts";
import { sendWebhook } from "../../src/delivery/http-sender.ts";

const request = (url: string) => ({ url, headers: {}, body: "{}", timeoutMs: 1000, allowPrivateAddresses: false });

/** A resolver that answers every name with `address`, as a rebinding DNS server would at send time. */
const resolvingTo = (address: string) =>
  ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) =>
    callback(null, [{ address, family: address.includes(":") ? 6 : 4 }])) as unknown as typeof lookup;

describe("address policy (SSRF)", () => {
  it("blocks loopback, private, link-local, metadata and mapped forms, and allows public addresses", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
      "::1", "::", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe", "64:ff9b::10.0.0.1"]) {
      expect(blockedAddressReason(address), address).to.be.a("string");
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) {
      expect(blockedAddressReason(address), address).to.equal(null);
    }
  });

  it("refuses literal private targets in every spelling before connecting, naming the kind of address", async () => {
    const cases: [string, string][] = [
      ["https://127.0.0.1/hook", "127.0.0.1 is a loopback address"],
      ["https://2130706433/hook", "127.0.0.1 is a loopback address"],
      ["https://0177.0.0.1/hook", "127.0.0.1 is a loopback address"],
      ["https://0x7f.0.0.1/hook", "127.0.0.1 is a loopback address"],
      ["https://0x7f000001/hook", "127.0.0.1 is a loopback address"],
      ["https://017700000001/hook", "127.0.0.1 is a loopback address"],
      ["https://127.1/hook", "127.0.0.1 is a loopback address"],
      ["https://0/hook", "0.0.0.0 is an unspecified or 'this network' address"],
      ["https://10.1/hook", "10.0.0.1 is a private network address (RFC 1918)"],
      ["https://172.31.255.255/hook", "172.31.255.255 is a private network address (RFC 1918)"],
      ["https://192.168.0.1./hook", "192.168.0.1 is a private network address (RFC 1918)"],
      ["https://100.64.1.1/hook", "100.64.1.1 is a carrier-grade NAT address"],
      ["https://169.254.169.254/latest", "169.254.169.254 is the cloud metadata service address"],
      ["https://2852039166/latest", "169.254.169.254 is the cloud metadata service address"],
      ["https://0xa9.0xfe.0xa9.0xfe/latest", "169.254.169.254 is the cloud metadata service address"],
      ["https://0251.0376.0251.0376/latest", "169.254.169.254 is the cloud metadata service address"],
      ["https://169.254.10.1/hook", "169.254.10.1 is a link-local address"],
      ["https://224.0.0.1/hook", "224.0.0.1 is a multicast address"],
      ["https://[::1]/hook", "::1 is a loopback address"],
      ["https://[::]/hook", ":: is an unspecified or 'this network' address"],
      ["https://[fe80::1]/hook", "fe80::1 is a link-local address"],
      ["https://[fd12::1]/hook", "fd12::1 is a unique local IPv6 address (private network)"],
      ["https://[fd00:ec2::254]/latest", "fd00:ec2::254 is the cloud metadata service address"],
      ["https://[::ffff:127.0.0.1]/hook", "::ffff:7f00:1 (IPv4 127.0.0.1 embedded in IPv6) is a loopback address"],
      ["https://[0:0:0:0:0:ffff:7f00:1]/hook", "::ffff:7f00:1 (IPv4 127.0.0.1 embedded in IPv6) is a loopback address"],
      ["https://[::ffff:169.254.169.254]/latest", "::ffff:a9fe:a9fe (IPv4 169.254.169.254 embedded in IPv6) is the cloud metadata service address"],
      ["https://[64:ff9b::a9fe:a9fe]/latest", "64:ff9b::a9fe:a9fe (IPv4 169.254.169.254 embedded in IPv6) is the cloud metadata service address"],
      ["https://[::ffff:0:a00:1]/hook", "::ffff:0:a00:1 (IPv4 10.0.0.1 embedded in IPv6) is a private network address"],
      ["https://[::127.0.0.1]/hook", "::7f00:1 (IPv4 127.0.0.1 embedded in IPv6) is a loopback address"],
    ];
    for (const [url, reason] of cases) {
      const result = await sendWebhook(request(url));
      expect(result.errorCode, url).to.equal("blocked_address");
      expect(result.errorMessage, url).to.contain(reason).and.contain("only public addresses may receive webhooks");
      expect(result.durationMs, url).to.be.below(50);
    }
  });

  it("checks the address a name resolves to when connecting (no DNS rebinding)", async () => {
    const result = await sendWebhook(request("https://partner.example/hook"), resolvingTo("10.0.0.7"));
    expect(result).to.include({ succeeded: false, errorCode: "blocked_address" });
    expect(result.errorMessage).to.contain("partner.example resolves to 10.0.0.7");
  });

  it("refuses a name when any one of its addresses is private, including IPv4-mapped answers", async () => {
    const several = ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) =>
      callback(null, [{ address: "93.184.216.34", family: 4 }, { address: "169.254.169.254", family: 4 }])) as unknown as typeof lookup;
    const mixed = await sendWebhook(request("https://partner.example/hook"), several);
    expect(mixed.errorCode).to.equal("blocked_address");
    expect(mixed.errorMessage).to.contain("partner.example resolves to 169.254.169.254 is the cloud metadata service address");
    const mapped = await sendWebhook(request("https://partner.example/hook"), resolvingTo("::ffff:10.0.0.7"));
    expect(mapped.errorMessage).to.contain("(IPv4 10.0.0.7 embedded in IPv6) is a private network address");
  });

  it("refuses plain http and non-http URLs unless private URLs are allowed", async () => {
    expect((await sendWebhook(request("http://partner.example/hook"))).errorCode).to.equal("invalid_url");
    expect((await sendWebhook(request("ftp://partner.example/hook"))).errorCode).to.equal("invalid_url");
    expect((await sendWebhook(request("not a url"))).errorCode).to.equal("invalid_url");
  });

  it("reports a name that does not resolve as dns", async () => {
    const result = await sendWebhook(request("https://no-such-host.invalid/hook"));
    expect(result.errorCode).to.equal("dns");
  });
});
