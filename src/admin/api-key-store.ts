import { createHash, randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { ApiKeyRole, Database } from "../db/types.ts";

export interface Principal {
  keyId: string;
  role: ApiKeyRole;
  partnerId: string | null;
}

export const BOOTSTRAP_KEY_NAME = "bootstrap (ADMIN_API_KEY)";

export function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** A new random key; only its sha-256 is stored, so it is shown once. */
export function generateApiKey(): string {
  return `wo_${randomBytes(32).toString("base64url")}`;
}

export async function createApiKey(db: Kysely<Database>, input: { name: string; role: ApiKeyRole; partnerId: string | null }, key = generateApiKey()) {
  const row = await db
    .insertInto("webhooks.api_keys")
    .values({ name: input.name, role: input.role, partner_id: input.partnerId, key_sha256: hashApiKey(key) })
    .returning(["id", "name", "role", "partner_id", "created_at"])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, role: row.role, partnerId: row.partner_id, createdAt: row.created_at, key };
}

/**
 * The principal of a presented key, or null when unknown or revoked. The lookup compares sha-256
 * digests through a unique index, so response time says nothing about how much of a key matched.
 */
export async function findPrincipal(db: Kysely<Database>, key: string): Promise<Principal | null> {
  const row = await db
    .selectFrom("webhooks.api_keys")
    .select(["id", "role", "partner_id"])
    .where("key_sha256", "=", hashApiKey(key))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row ? { keyId: row.id, role: row.role, partnerId: row.partner_id } : null;
}

/** Makes ADMIN_API_KEY a valid admin key; a bootstrap key from an earlier, different value is revoked. */
export async function ensureBootstrapKey(db: Kysely<Database>, key: string): Promise<void> {
  const hash = hashApiKey(key);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("webhooks.api_keys")
      .set({ revoked_at: sql`now()` })
      .where("name", "=", BOOTSTRAP_KEY_NAME)
      .where("revoked_at", "is", null)
      .where("key_sha256", "<>", hash)
      .execute();
    const existing = await trx.selectFrom("webhooks.api_keys").select("revoked_at").where("key_sha256", "=", hash).executeTakeFirst();
    if (!existing) await createApiKey(trx, { name: BOOTSTRAP_KEY_NAME, role: "admin", partnerId: null }, key);
  });
}
