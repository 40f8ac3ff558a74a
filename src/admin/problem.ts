import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import type { Logger } from "../logger.ts";

export interface FieldError {
  field: string;
  message: string;
}

/** The only error type that reaches clients; everything else becomes a 500 without details. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  constructor(status: number, title: string, detail: string, errors?: FieldError[]) {
    super(detail);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

export const notFound = (what: string) => new ProblemError(404, "Not Found", `${what} was not found`);
export const conflict = (detail: string) => new ProblemError(409, "Conflict", detail);

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

export function fieldErrors(error: z.ZodError, location: string): FieldError[] {
  return error.issues.map((issue) => ({ field: [location, ...issue.path].join("."), message: issue.message }));
}

const TITLES: Record<number, string> = { 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large", 500: "Internal Server Error" };

function send(res: Parameters<RequestHandler>[1], problem: ProblemError): void {
  res
    .status(problem.status)
    .type("application/problem+json")
    .json({
      type: "about:blank",
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.errors ? { errors: problem.errors } : {}),
      requestId: res.locals.requestId,
    });
}

export const unknownRoute: RequestHandler = (req, res) => {
  send(res, new ProblemError(404, "Not Found", `no route ${req.method} ${req.path}; see /openapi.json`));
};

/** Turns every error into problem+json. Unexpected ones are logged with the request id and answered 500 without internals. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof ProblemError) return send(res, error);
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === "entity.too.large") {
      return send(res, new ProblemError(413, TITLES[413]!, "the request body is larger than the 1 MB limit"));
    }
    if (bodyParserType === "entity.parse.failed") {
      return send(res, new ProblemError(400, TITLES[400]!, "the request body is not valid JSON", [{ field: "body", message: "invalid JSON" }]));
    }
    if (bodyParserType !== undefined && typeof (error as { status?: number }).status === "number" && (error as { status: number }).status < 500) {
      return send(res, new ProblemError(400, TITLES[400]!, (error as Error).message));
    }
    logger.error("unexpected error in admin API", { requestId: res.locals.requestId, method: req.method, path: req.path, error: (error as Error)?.stack ?? String(error) });
    send(res, new ProblemError(500, TITLES[500]!, "an unexpected error occurred; quote the requestId when reporting it"));
  };
}
