import type { Kysely } from "kysely";
import type { RequestHandler } from "express";
import type { Database } from "../db/types.ts";
import { findPrincipal, type Principal } from "./api-key-store.ts";
import { notFound, ProblemError } from "./problem.ts";

/** Resolves `Authorization: Bearer <key>` to res.locals.principal; a presented but unknown/revoked key is a 401 at once. */
export function authenticate(db: Kysely<Database>): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ProblemError(401, "Unauthorized", "the Authorization header must be 'Bearer <api key>'");
    const principal = await findPrincipal(db, match[1]!);
    if (!principal) throw new ProblemError(401, "Unauthorized", "the API key is unknown or revoked");
    res.locals.principal = principal;
    next();
  };
}

/** Whether the key may see data of `partnerId`: admin and support see every partner, a partner key only its own. */
export function canSeePartner(principal: Principal, partnerId: string): boolean {
  return principal.role !== "partner" || principal.partnerId === partnerId;
}

/** A partner key sees only its own partner: any other id answers 404, exactly like an id that does not exist. */
export function assertPartnerAccess(principal: Principal, partnerId: string): void {
  if (!canSeePartner(principal, partnerId)) throw notFound(`partner "${partnerId}"`);
}

/** The partner a list is restricted to: a partner key's own, whatever was asked. */
export function partnerScope(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role !== "partner") return requested;
  if (requested !== undefined) assertPartnerAccess(principal, requested);
  return principal.partnerId!;
}
