import { useEffect, useState } from "preact/hooks";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function describeWait(ms: number): string {
  if (ms <= 0) return "due now";
  const seconds = Math.ceil(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `in ${minutes} min ${seconds % 60} s` : `in ${seconds} s`;
}

/** Time left until `iso`, ticking every second; not a live region, so screen readers are not told every tick. */
export function Countdown({ iso }: { iso: string }) {
  const now = useNow(1000);
  return <span class="countdown">{describeWait(new Date(iso).getTime() - now)}</span>;
}
