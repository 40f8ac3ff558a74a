import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { expect } from "chai";
import { sendWebhook } from "../../src/delivery/http-sender.ts";

describe("keep-alive connections the partner has closed", () => {
  let server: http.Server;
  let url: string;
  const served = new WeakSet<Socket>();
  let newConnections = 0;

  before(async () => {
    // Answers the first request on each connection, then drops the connection when it is reused: what a
    // partner's server does when its idle keep-alive timeout fires just as we send on that connection.
    server = http.createServer((req, res) => {
      if (served.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    server.on("connection", () => newConnections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("a request on a reused connection that the partner dropped is sent again on a new connection, as the same attempt", async () => {
    const request = { url, headers: { "content-type": "application/json" }, body: "{}", timeoutMs: 2000, allowPrivateAddresses: true };
    const first = await sendWebhook(request);
    expect(first).to.include({ succeeded: true, responseStatus: 200 });
    const second = await sendWebhook(request);
    expect(second).to.include({ succeeded: true, responseStatus: 200, errorCode: null });
    expect(newConnections).to.equal(2);
  });
});
