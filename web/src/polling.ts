import { useEffect, useRef } from "preact/hooks";

/** Calls `tick` every `intervalMs` while `active`; a tick never overlaps the previous one. */
export function usePolling(tick: () => Promise<void>, intervalMs: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const loop = async () => {
      if (stopped) return;
      await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(loop, intervalMs);
    };
    timer = setTimeout(loop, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, active]);
}
