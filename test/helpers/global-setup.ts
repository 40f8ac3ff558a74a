import { createTemplateDatabase, dropTemplateDatabase } from "./test-database.ts";

export async function mochaGlobalSetup(): Promise<void> {
  await createTemplateDatabase();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await dropTemplateDatabase();
}
