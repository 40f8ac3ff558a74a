import type { Attempt } from "./api-types.ts";
import { TimeText } from "./time-text.tsx";

function outcome(a: Attempt): string {
  if (a.responseStatus !== null) return `HTTP ${a.responseStatus}`;
  return a.errorCode ?? "no response";
}

const succeeded = (a: Attempt) => a.responseStatus !== null && a.responseStatus >= 200 && a.responseStatus < 300;

/** Every HTTP attempt, newest first: when, how long, what the partner's server said. */
export function AttemptTimeline({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p class="muted">No attempt yet.</p>;
  return (
    <ol class="timeline" reversed>
      {[...attempts].reverse().map((a) => (
        <li key={a.attemptNumber} class={succeeded(a) ? "ok" : "bad"} data-attempt={a.attemptNumber}>
          <div class="attempt-head">
            <strong>Attempt {a.attemptNumber}</strong>
            <span class="tag">{a.trigger}</span>
            <span class={`outcome ${succeeded(a) ? "outcome-ok" : "outcome-bad"}`}>
              <span aria-hidden="true">{succeeded(a) ? "✓ " : "✕ "}</span>
              {outcome(a)}
            </span>
          </div>
          <dl class="attempt-facts">
            <div>
              <dt>Started</dt>
              <dd>
                <TimeText iso={a.startedAt} />
              </dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{a.durationMs} ms</dd>
            </div>
            <div>
              <dt>URL</dt>
              <dd class="break">{a.url}</dd>
            </div>
            {a.errorMessage && (
              <div>
                <dt>Error</dt>
                <dd class="break">{a.errorMessage}</dd>
              </div>
            )}
            {a.nextAttemptAt && (
              <div>
                <dt>Retry scheduled</dt>
                <dd>
                  <TimeText iso={a.nextAttemptAt} />
                </dd>
              </div>
            )}
          </dl>
          {a.responseBody !== null && (
            <details>
              <summary>Response body ({a.responseBody.length === 0 ? "empty" : `${a.responseBody.length} characters`})</summary>
              <pre class="code">{a.responseBody || "(empty)"}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
