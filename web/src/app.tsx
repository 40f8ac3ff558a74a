import { useMemo, useState } from "preact/hooks";
import { createApiClient } from "./api-client.ts";
import type { Me } from "./api-types.ts";
import { DeliveriesPage } from "./deliveries-page.tsx";
import { DeliveryPage } from "./delivery-page.tsx";
import { useRoute } from "./hash-route.ts";
import { PageHeading } from "./page-heading.tsx";
import { forgetKey, storeKey } from "./session.ts";
import { SignIn } from "./sign-in.tsx";
import { WebhookSettingsPage } from "./webhook-settings-page.tsx";

interface Session {
  key: string;
  me: Me;
}

export function App({ initial }: { initial: Session | null }) {
  const [session, setSession] = useState<Session | null>(initial);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const signOut = (message: string | null) => {
    forgetKey();
    setNotice(message);
    setSession(null);
  };
  const api = useMemo(() => (session ? createApiClient(session.key, () => signOut("Your API key was rejected (revoked?). Sign in again.")) : null), [session]);

  if (!session || !api) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key, me) => {
          storeKey(key);
          setNotice(null);
          setSession({ key, me });
        }}
      />
    );
  }
  const { me } = session;
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Main">
          <span class="brand">webhook-outbox</span>
          <a href="#/deliveries" aria-current={route.page === "deliveries" || route.page === "delivery" ? "page" : undefined}>
            Deliveries
          </a>
          <a href="#/webhook" aria-current={route.page === "webhook" ? "page" : undefined}>
            Webhook settings
          </a>
        </nav>
        <div class="who">
          <span>
            {me.role}
            {me.partnerId ? ` · ${me.partnerId}` : ""}
          </span>
          <button type="button" onClick={() => signOut("Signed out.")}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "deliveries" && <DeliveriesPage api={api} me={me} query={route.query} />}
        {route.page === "delivery" && <DeliveryPage key={route.deliveryId} api={api} me={me} deliveryId={route.deliveryId} />}
        {route.page === "webhook" && <WebhookSettingsPage api={api} me={me} query={route.query} />}
        {route.page === "not-found" && (
          <>
            <PageHeading title="Page not found" />
            <p>
              <a href="#/deliveries">Go to deliveries</a>
            </p>
          </>
        )}
      </main>
    </>
  );
}
