import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { ApiKeyRole } from "../db/types.ts";
import type { Principal } from "./api-key-store.ts";
import { fieldErrors, ProblemError, problemSchema } from "./problem.ts";

type Method = "get" | "post" | "put" | "delete";
type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: Method;
  /** Express-style path, e.g. /v1/partners/:partnerId */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; "public" routes need no key. */
  roles: readonly ApiKeyRole[] | "public";
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handler: (input: { params: z.output<P>; query: z.output<Q>; body: z.output<B>; principal: Principal; req: Request; res: Response }) => Promise<{ status: number; body?: unknown; sent?: true }>;
}

/**
 * One definition per route: it is mounted on the Express router with role checks and zod
 * validation of params, query and body, and registered in the OpenAPI document from the same schemas.
 */
export class ApiRoutes {
  readonly router = Router();
  readonly registry: OpenAPIRegistry;
  constructor(registry: OpenAPIRegistry) {
    this.registry = registry;
  }

  add<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodUndefined>(spec: RouteSpec<P, Q, B>): void {
    this.registry.registerPath(openApiRoute(spec));
    this.router[spec.method](spec.path, async (req, res) => {
      const principal = res.locals.principal as Principal | undefined;
      if (spec.roles !== "public") {
        if (!principal) throw new ProblemError(401, "Unauthorized", "send a valid API key as 'Authorization: Bearer <key>'");
        if (!spec.roles.includes(principal.role)) {
          throw new ProblemError(403, "Forbidden", `a ${principal.role} key may not ${spec.summary.toLowerCase()}`);
        }
      }
      const params = parse(spec.params, req.params, "params", 400);
      const query = parse(spec.query, req.query, "query", 400);
      const body = spec.body ? parse(spec.body, req.body ?? {}, "body", 422) : undefined;
      const result = await spec.handler({ params, query, body, principal: principal!, req, res } as never);
      if (result.sent) return;
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
  }
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, location: string, status: number) {
  if (!schema) return {};
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error, location);
    throw new ProblemError(status, status === 400 ? "Bad Request" : "Unprocessable Content", `invalid ${location}: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, errors);
  }
  return parsed.data;
}

function openApiRoute(spec: RouteSpec<AnyObject, AnyObject, z.ZodType>): RouteConfig {
  const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: problemSchema } } });
  const responses: RouteConfig["responses"] = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = response.schema ? { description: response.description, content: { "application/json": { schema: response.schema } } } : { description: response.description };
  }
  if (spec.params || spec.query) responses[400] ??= problem("Invalid path or query parameter");
  if (spec.body) responses[422] ??= problem("Invalid request body; `errors` names each field");
  if (spec.roles !== "public") {
    responses[401] ??= problem("Missing or invalid API key");
    responses[403] ??= problem("The key's role may not use this route");
  }
  return {
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, "{$1}"),
    summary: spec.summary,
    description: spec.roles === "public" ? "Open, no key needed." : `Roles: ${spec.roles.join(", ")}.`,
    tags: [spec.tag],
    ...(spec.roles === "public" ? {} : { security: [{ bearerAuth: [] }] }),
    request: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.body ? { body: { content: { "application/json": { schema: spec.body } }, required: true } } : {}),
    },
    responses,
  };
}
