import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** The page's h1: takes focus when the page opens, so keyboard and screen-reader users land on the new page. */
export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · webhook-outbox`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}
