import { ProblemError } from "./problem.ts";

// Opaque to clients: base64url of the last row's commit-ordered seq. Rows that arrive while a
// client pages get a higher seq, so they never shift the pages still to come.
export function encodeCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ seq }), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): string {
  try {
    const { seq } = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { seq?: unknown };
    if (typeof seq === "string" && /^\d{1,19}$/.test(seq)) return seq;
  } catch {
    // fall through to the problem below
  }
  throw new ProblemError(400, "Bad Request", "invalid query: query.cursor: not a cursor from a previous page's nextCursor", [
    { field: "query.cursor", message: "not a cursor from a previous page's nextCursor" },
  ]);
}
