import type { BenchResults } from "./run-bench.ts";

const n = (value: number) => (Number.isFinite(value) ? value.toLocaleString("en-US") : "∞");
const yes = (met: boolean) => (met ? "✅" : "❌");

/** The markdown table `npm run bench` prints and the README's Performance section shows. */
export function resultsTable(r: BenchResults): string {
  const t = r.throughput;
  const w = r.writePath;
  const rows: string[][] = [
    ["Write path: UPDATE + outbox INSERT (SQL), tx/s", n(w.transactionsPerSecond.updatePlusOutboxSql), `UPDATE alone ${n(w.transactionsPerSecond.update)}`, `${w.overheadSql}× slower`, "≤ 1.3×", yes(w.overheadSql <= 1.3)],
    ["Write path: UPDATE + enqueueEvent, tx/s", n(w.transactionsPerSecond.updatePlusEnqueueEvent), `UPDATE alone ${n(w.transactionsPerSecond.update)}`, `${w.overheadEnqueueEvent}× slower`, "≤ 1.3×", yes(w.overheadEnqueueEvent <= 1.3)],
    [`Delivery: ${n(t.backlog)} backlog, signed deliveries/s`, n(t.delivery.deliveriesPerSecond), `graphile-worker no-op, default settings ${n(t.noopDefaultPerSecond)}`, `${t.ofNoopDefault}`, "≥ 0.5", yes(t.ofNoopDefault >= 0.5)],
    ["", "", `graphile-worker no-op, fastest settings ${n(t.noopFastestPerSecond)}`, `${t.ofNoopFastest}`, "(reported)", ""],
    ["", "", `raw HTTP POSTs, same client ${n(t.rawHttpPerSecond)}`, `${t.ofRawHttp}`, "≥ 0.5", yes(t.ofRawHttp >= 0.5)],
  ];
  for (const l of r.latency) {
    rows.push([
      `Latency at ${l.fractionOfMax * 100}% of max (${n(l.achievedRate)}/s): commit → arrival p50/p95/p99 ms`,
      `${l.delivery.p50} / ${l.delivery.p95} / ${l.delivery.p99}`,
      `graphile-worker commit → start ${l.graphileWorker.p50} / ${l.graphileWorker.p95} / ${l.graphileWorker.p99}`,
      `p99 ${l.p99Ratio}×`,
      "≤ 3×",
      yes(l.p99Ratio <= 3),
    ]);
  }
  const nn = r.noisyNeighbour;
  rows.push([
    `Noisy neighbour: healthy partners at ${n(nn.healthyRate)}/s beside one hanging (${nn.hangingPartnerRate}/s, ${nn.timeoutMs} ms timeout): deliveries/s, p99 ms`,
    `${n(nn.besideHangingPartner.deliveriesPerSecond)}/s, p99 ${n(nn.besideHangingPartner.latency.p99)}`,
    `alone ${n(nn.alone.deliveriesPerSecond)}/s, p99 ${n(nn.alone.latency.p99)}`,
    `${nn.throughputKept} kept, p99 ${nn.p99Ratio}×`,
    "≥ 0.9 kept",
    yes(nn.throughputKept >= 0.9),
  ]);
  const first = r.scaling.byBacklog[0]!;
  for (const d of r.scaling.byBacklog) {
    const linear = (first.drainSeconds * d.backlog) / first.backlog;
    rows.push([`Drain ${n(d.backlog)} backlog, 1 worker process`, `${d.drainSeconds} s (${n(d.deliveriesPerSecond)}/s)`, `linear from ${n(first.backlog)}: ${Math.round(linear * 10) / 10} s`, `${Math.round((d.drainSeconds / linear) * 100) / 100}`, "≈ 1", ""]);
  }
  const one = r.scaling.byProcesses[0]!;
  for (const d of r.scaling.byProcesses) {
    rows.push([`Drain ${n(d.backlog)} backlog, ${d.processes} worker process(es)`, `${d.drainSeconds} s (${n(d.deliveriesPerSecond)}/s)`, `1 process ${n(one.deliveriesPerSecond)}/s`, `${Math.round((d.deliveriesPerSecond / one.deliveriesPerSecond) * 100) / 100}×`, "(reported)", ""]);
  }
  const rss = r.scaling.byBacklog.map((d) => d.peakRssMiB[0]!);
  const flat = Math.max(...rss) / Math.min(...rss);
  rows.push([`Worker peak RSS draining ${r.scaling.byBacklog.map((d) => n(d.backlog)).join(" / ")}`, `${rss.join(" / ")} MiB`, `smallest backlog ${Math.min(...rss)} MiB`, `${Math.round(flat * 100) / 100}×`, "flat (≤ 1.25×)", yes(flat <= 1.25)]);

  const header = ["Measure", "Result", "Baseline (same run)", "Ratio", "Target", "Met"];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
