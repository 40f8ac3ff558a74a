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

  it("refuses literal private targets, including decimal, octal and hex IPv4 spellings, before connecting", async () => {
    for (const url of ["https://127.0.0.1/hook", "https://2130706433/hook", "https://0177.0.0.1/hook", "https://0x7f.0.0.1/hook", "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://169.254.169.254/latest"]) {
      const result = await sendWebhook(request(url));
      expect(result.errorCode, url).to.equal("blocked_address");
      expect(result.errorMessage, url).to.contain("private");
    }
  });

  it("checks the address a name resolves to when connecting (no DNS rebinding)", async () => {
    const result = await sendWebhook(request("https://partner.example/hook"), resolvingTo("10.0.0.7"));
    expect(result).to.include({ succeeded: false, errorCode: "blocked_address" });
    expect(result.errorMessage).to.contain("partner.example resolves to 10.0.0.7");
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
