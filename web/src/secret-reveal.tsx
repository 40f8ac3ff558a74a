import { useEffect, useRef, useState } from "preact/hooks";

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The async clipboard needs a secure context (https or localhost); fall back to selecting the text for Ctrl+C.
    input?.select();
    return false;
  }
}

/** A signing secret the API shows only once: visible, selectable, with a copy button. */
export function SecretReveal({ secret, note }: { secret: string; note: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string>("");
  useEffect(() => input.current?.focus(), [secret]);
  return (
    <div class="secret card" role="region" aria-labelledby="secret-title">
      <h3 id="secret-title">New signing secret: copy it now</h3>
      <p>{note} It is not shown again.</p>
      <div class="secret-row">
        <label class="visually-hidden" for="secret-value">
          Signing secret
        </label>
        <input id="secret-value" ref={input} readOnly value={secret} spellcheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={async () => setCopied((await copyText(secret, input.current)) ? "Copied to the clipboard." : "Selected: press Ctrl+C (⌘C) to copy.")}>
          Copy
        </button>
      </div>
      <p class="muted" aria-live="polite">
        {copied}
      </p>
    </div>
  );
}
