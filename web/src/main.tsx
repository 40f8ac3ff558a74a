import { render } from "preact";
import { createApiClient } from "./api-client.ts";
import type { Me } from "./api-types.ts";
import { App } from "./app.tsx";
import { forgetKey, storedKey } from "./session.ts";

// A key kept from earlier in this tab is checked once before the first render, so a revoked key shows the sign-in page.
async function restoreSession() {
  const key = storedKey();
  if (!key) return null;
  try {
    return { key, me: await createApiClient(key).get<Me>("/v1/me") };
  } catch {
    forgetKey();
    return null;
  }
}

render(<App initial={await restoreSession()} />, document.getElementById("app")!);
