import { z } from "zod";
import type { ApiRoutes } from "./route.ts";

const meSchema = z
  .object({
    keyId: z.string(),
    role: z.enum(["admin", "support", "partner"]),
    partnerId: z.string().nullable().meta({ description: "the partner a partner key belongs to; null for admin and support" }),
  })
  .meta({ id: "Me" });

/** Who the presented key is: lets a client (the dashboard) decide what to show without trying routes. */
export function meRoutes(routes: ApiRoutes): void {
  routes.add({
    method: "get",
    path: "/v1/me",
    summary: "Describe the calling API key",
    tag: "API keys",
    roles: ["admin", "support", "partner"],
    responses: { 200: { description: "The key's id, role and partner", schema: meSchema } },
    handler: async ({ principal }) => ({ status: 200, body: { keyId: principal.keyId, role: principal.role, partnerId: principal.partnerId } }),
  });
}
