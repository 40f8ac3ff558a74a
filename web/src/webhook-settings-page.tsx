import { useEffect, useState } from "preact/hooks";
import { ApiError, type ApiClient, errorMessage } from "./api-client.ts";
import { type Me, SUBSCRIBABLE_EVENT_TYPES, type SubscribableEventType, type WebhookSettings } from "./api-types.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { PageHeading } from "./page-heading.tsx";
import { SecretReveal } from "./secret-reveal.tsx";
import { TestEvent } from "./test-event.tsx";
import { TimeText } from "./time-text.tsx";

export function WebhookSettingsPage({ api, me, query }: { api: ApiClient; me: Me; query: URLSearchParams }) {
  const partnerId = me.role === "partner" ? me.partnerId! : (query.get("partnerId") ?? "");
  return (
    <>
      <PageHeading title="Webhook settings" />
      {me.role !== "partner" && <PartnerPicker partnerId={partnerId} />}
      {partnerId && <PartnerWebhook key={partnerId} api={api} partnerId={partnerId} canEdit={me.role !== "support"} />}
    </>
  );
}

function PartnerPicker({ partnerId }: { partnerId: string }) {
  const [value, setValue] = useState(partnerId);
  return (
    <form
      class="card inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        location.hash = `#/webhook?partnerId=${encodeURIComponent(value.trim())}`;
      }}
    >
      <div class="field">
        <label for="w-partner">Partner id</label>
        <input id="w-partner" required value={value} placeholder="ptn_…" onInput={(e) => setValue(e.currentTarget.value)} />
      </div>
      <button type="submit">Show settings</button>
    </form>
  );
}

type Choice = "all" | "some";

function PartnerWebhook({ api, partnerId, canEdit }: { api: ApiClient; partnerId: string; canEdit: boolean }) {
  const path = `/v1/partners/${encodeURIComponent(partnerId)}/webhook`;
  const [settings, setSettings] = useState<WebhookSettings | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [url, setUrl] = useState("");
  const [enabled, setEnabled] = useState(true);
  const [choice, setChoice] = useState<Choice>("all");
  const [types, setTypes] = useState<SubscribableEventType[]>([...SUBSCRIBABLE_EVENT_TYPES]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ value: string; note: string } | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);

  const show = (s: WebhookSettings) => {
    setSettings(s);
    setUrl(s.url);
    setEnabled(s.enabled);
    setChoice(s.eventTypes === null ? "all" : "some");
    setTypes(s.eventTypes ?? [...SUBSCRIBABLE_EVENT_TYPES]);
  };

  useEffect(() => {
    api
      .get<WebhookSettings>(path)
      .then(show, (e) => {
        if (!(e instanceof ApiError && e.status === 404)) setError(errorMessage(e));
      })
      .finally(() => setLoaded(true));
  }, [path]);

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setStatus("");
    try {
      const saved = await api.put<WebhookSettings & { secret?: string }>(path, { url: url.trim(), enabled, eventTypes: choice === "all" ? null : types });
      show(saved);
      if (saved.secret) setSecret({ value: saved.secret, note: "Your endpoint verifies signatures with this secret." });
      setStatus(saved.secret ? "Webhook created." : "Settings saved.");
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const rotate = async () => {
    setConfirmRotate(false);
    setError(null);
    try {
      const rotated = await api.post<{ secret: string; previousSecretExpiresAt: string }>(`${path}/secret/rotate`);
      setSecret({ value: rotated.secret, note: `The previous secret keeps signing too until ${new Date(rotated.previousSecretExpiresAt).toLocaleString()}.` });
      setStatus("Secret rotated.");
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (!loaded) return <p role="status">Loading…</p>;
  const toggleType = (type: SubscribableEventType, on: boolean) => setTypes(on ? [...types, type] : types.filter((t) => t !== type));

  return (
    <>
      <section class="card" aria-labelledby="endpoint-title">
        <h2 id="endpoint-title">Endpoint of {partnerId}</h2>
        {!settings && <p class="notice">No webhook URL is set yet{canEdit ? ": set one below." : "."}</p>}
        {settings && (
          <p class="muted">
            Last changed <TimeText iso={settings.updatedAt} />
            {settings.previousSecretExpiresAt && (
              <>
                {" "}
                · previous secret still signs until <TimeText iso={settings.previousSecretExpiresAt} />
              </>
            )}
          </p>
        )}
        <form onSubmit={save}>
          <fieldset disabled={!canEdit}>
            <legend class="visually-hidden">Webhook settings</legend>
            <div class="field">
              <label for="w-url">Webhook URL</label>
              <input id="w-url" type="url" required placeholder="https://partner.example/webhooks" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
            </div>
            <div class="check">
              <input id="w-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
              <label for="w-enabled">Enabled (while off, new events are recorded as skipped)</label>
            </div>
            <fieldset class="types">
              <legend>Event types</legend>
              <div class="check">
                <input id="w-all" type="radio" name="types" checked={choice === "all"} onChange={() => setChoice("all")} />
                <label for="w-all">All event types, including ones added later</label>
              </div>
              <div class="check">
                <input id="w-some" type="radio" name="types" checked={choice === "some"} onChange={() => setChoice("some")} />
                <label for="w-some">Only these:</label>
              </div>
              {SUBSCRIBABLE_EVENT_TYPES.map((type) => (
                <div class="check nested">
                  <input id={`w-${type}`} type="checkbox" disabled={choice === "all"} checked={choice === "all" || types.includes(type)} onChange={(e) => toggleType(type, e.currentTarget.checked)} />
                  <label for={`w-${type}`}>{type}</label>
                </div>
              ))}
            </fieldset>
            {canEdit && (
              <div class="actions">
                <button type="submit" class="primary">
                  {settings ? "Save settings" : "Create webhook"}
                </button>
                {settings && (
                  <button type="button" onClick={() => setConfirmRotate(true)}>
                    Rotate secret
                  </button>
                )}
              </div>
            )}
          </fieldset>
        </form>
        {!canEdit && <p class="muted">Support keys can read these settings; the partner or an admin changes them.</p>}
        <p role="status" aria-live="polite">
          {status}
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>
      {secret && <SecretReveal secret={secret.value} note={secret.note} />}
      {settings && canEdit && <TestEvent api={api} partnerId={partnerId} />}
      <ConfirmDialog open={confirmRotate} title="Rotate the signing secret?" confirmLabel="Rotate now" onConfirm={rotate} onCancel={() => setConfirmRotate(false)}>
        <p>A new secret signs every webhook from now on. The current one keeps signing as a second signature for 24 hours, so update your endpoint within a day.</p>
      </ConfirmDialog>
    </>
  );
}
