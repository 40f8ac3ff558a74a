/**
 * Where `value` holds a string PostgreSQL cannot store in text or jsonb (a NUL character, or an
 * unpaired UTF-16 surrogate, which has no UTF-8 form), as a path like "data.items.2.name"; null if none.
 */
export function unstorableTextPath(value: unknown, path = ""): string | null {
  if (typeof value === "string") return unstorable(value) ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === "" ? key : `${path}.${key}`;
    if (unstorable(key)) return childPath;
    const found = unstorableTextPath(child, childPath);
    if (found !== null) return found;
  }
  return null;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorable(text: string): boolean {
  return text.includes("\u0000") || UNPAIRED_SURROGATE.test(text);
}
