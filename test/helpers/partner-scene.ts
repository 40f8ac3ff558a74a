import { createPartner, setEndpoint } from "./fixtures.ts";
import { Receiver } from "./receiver.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";

/** A fresh database with one partner whose endpoint is a real HTTP receiver on 127.0.0.1. */
export async function createPartnerScene(partnerId = "ptn_acme"): Promise<{ t: TestDatabase; receiver: Receiver; close(): Promise<void> }> {
  const t = await createTestDatabase();
  const receiver = await Receiver.start();
  await createPartner(t.db, partnerId);
  await setEndpoint(t.db, partnerId, receiver.url);
  return {
    t,
    receiver,
    async close() {
      await receiver.close();
      await t.drop();
    },
  };
}
