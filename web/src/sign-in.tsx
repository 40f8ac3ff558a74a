import { useState } from "preact/hooks";
import { ApiError, createApiClient, errorMessage } from "./api-client.ts";
import type { Me } from "./api-types.ts";
import { PageHeading } from "./page-heading.tsx";

export function SignIn({ onSignedIn, notice }: { onSignedIn: (key: string, me: Me) => void; notice: string | null }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await createApiClient(key.trim()).get<Me>("/v1/me");
      onSignedIn(key.trim(), me);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? "That API key is unknown or revoked." : `Could not sign in: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <PageHeading title="Sign in" />
      <p>Webhook deliveries for support staff and partners. Sign in with your API key; it stays in this browser tab only.</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} class="card">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby={error ? "sign-in-error" : undefined}
          aria-invalid={error ? true : undefined}
        />
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p class="muted">
        No key? An admin creates one with <code>POST /v1/api-keys</code>; see the <a href="/docs">API docs</a>.
      </p>
    </main>
  );
}
