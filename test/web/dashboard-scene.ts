import { enqueueEvent } from "../../src/outbox/index.ts";
import { buildDashboard } from "../../web/build.ts";
import { Receiver } from "../helpers/receiver.ts";
import { startTestApi } from "../helpers/test-api.ts";
import type { TestDatabase } from "../helpers/test-database.ts";
import { startTestWorker } from "../helpers/test-worker.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * The real app for browser tests and screenshots: a freshly built dashboard served by the admin API,
 * a worker, a receiver, and two partners whose deliveries have settled: ptn_acme's mix (one failed
 * after every retry) and ptn_other's one delivery, which ptn_acme must never see.
 */
export async function startDashboardScene(t: TestDatabase) {
  await buildDashboard();
  const api = await startTestApi(t);
  const receiver = await Receiver.start();
  const worker = await startTestWorker(t);
  for (const [id, name] of [["ptn_acme", "Acme Payments"], ["ptn_other", "Other Bank"]]) {
    await api.post("/v1/partners", { id, name });
    await api.put(`/v1/partners/${id}/webhook`, { url: receiver.url });
  }
  const emit = (partnerId: string, type: "kyc.status_updated" | "transaction.status_updated", subjectId: string, data: Parameters<typeof enqueueEvent>[1]["data"]) =>
    t.db.transaction().execute((trx) => enqueueEvent(trx, { partnerId, type, subjectId, data } as Parameters<typeof enqueueEvent>[1]));
  const settle = (deliveryId: string) =>
    waitFor(async () => {
      const { body } = await api.get(`/v1/deliveries/${deliveryId}`);
      return body.status !== "pending" && body;
    }, `delivery ${deliveryId} to settle`);

  receiver.respond(() => ({ status: 200, body: '{"received":true}', headers: { "content-type": "application/json" } }));
  const settled = [];
  for (const [subject, status] of [["usr_1001", "approved"], ["usr_1002", "in_review"], ["usr_1003", "rejected"]] as const) {
    settled.push(await emit("ptn_acme", "kyc.status_updated", subject, { status }));
  }
  settled.push(await emit("ptn_acme", "transaction.status_updated", "txn_5001", { status: "completed", amount: "12.50", currency: "EUR" }));
  const other = await emit("ptn_other", "transaction.status_updated", "txn_secret_9", { status: "completed", amount: "990.00", currency: "EUR" });
  await Promise.all([...settled, other].map((d) => settle(d.deliveryId)));

  // The failing one: every attempt answers 503 until the retries run out.
  receiver.respond(() => ({ status: 503, body: '{"error":"maintenance window, try again later"}', headers: { "content-type": "application/json" } }));
  const failing = await emit("ptn_acme", "transaction.status_updated", "txn_7734", { status: "failed" });
  await settle(failing.deliveryId);
  receiver.reset();

  return {
    api,
    receiver,
    failing,
    other,
    keys: { support: await api.keyFor("support"), acme: await api.keyFor("partner", "ptn_acme") },
    async stop() {
      await worker.stop();
      await api.close();
      await receiver.close();
    },
  };
}

export type DashboardScene = Awaited<ReturnType<typeof startDashboardScene>>;
