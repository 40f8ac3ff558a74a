import { createTemplateDatabase, dropTemplateDatabase } from "./test-database.ts";
import { chooseTestServer, stopTestServer } from "./test-server.ts";

export async function mochaGlobalSetup(): Promise<void> {
  await chooseTestServer();
  await createTemplateDatabase();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropTemplateDatabase();
  await stopTestServer();
}
