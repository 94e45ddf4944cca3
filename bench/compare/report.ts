/**
 * The comparison's output: a plain-text table of the summary, the CPU
 * split of the drains, the targets, and the JSON report with every
 * sample (.bench/compare.json).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CompareConfig } from "./config.js";
import type { DrainSample, SessionResult } from "./session.js";
import { median, round } from "./stats.js";
import { WORKLOADS, type Cell, type Target, type Workload } from "./summary.js";

/** Workloads where less is better (latency, memory, slowdown). */
const LOWER_IS_BETTER: ReadonlySet<Workload> = new Set([
  "latency-median",
  "latency-p99",
  "million-slowdown",
  "server-rss",
]);

function label(workload: Workload, config: CompareConfig): string {
  const [low, high] = config.concurrencies;
  const labels: Record<Workload, string> = {
    enqueue: `enqueue ${config.tasks} (tasks/s)`,
    "drain-low": `drain c${low} (tasks/s)`,
    "drain-high": `drain c${high} (tasks/s)`,
    "latency-median": "pickup latency median (ms)",
    "latency-p99": "pickup latency p99 (ms)",
    "drain-million": `drain c${high}, ${config.others} elsewhere (tasks/s)`,
    "million-slowdown": "slowdown with them (× empty)",
    "server-rss": "server RSS max (MB)",
  };
  return LOWER_IS_BETTER.has(workload)
    ? `${labels[workload]} ↓`
    : labels[workload];
}

/** Lays out rows of cells in columns, left-aligned, two spaces apart. */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) =>
    Math.max(...rows.map((row) => row[i]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths?.[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function number(value: number): string {
  if (!Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en");
  return String(round(value, 2));
}

/** The main table: per workload and system, median and ratio. */
export function formatTable(cells: Cell[], config: CompareConfig): string {
  const rows = [["workload", "system", "median", "min–max (runs)", "cd-pg ÷"]];
  for (const workload of WORKLOADS) {
    let first = true;
    for (const cell of cells.filter((c) => c.workload === workload)) {
      rows.push([
        first ? label(workload, config) : "",
        cell.system,
        number(cell.median),
        `${number(cell.min)}–${number(cell.max)} (${cell.runs})`,
        cell.cdPgRatio === undefined ? "-" : cell.cdPgRatio.toFixed(2),
      ]);
      first = false;
    }
  }
  return (
    columns(rows) +
    "\n↓ lower is better (there, a ratio below 1 favours corndogs-pg)"
  );
}

/**
 * CPU per 1000 tasks of the higher-concurrency drain, per party (median
 * over repetitions), and how many cores were busy on average: with the
 * benchmark's processes, and with anything else (a disturbance).
 */
export function formatCpu(
  sessions: SessionResult[],
  config: CompareConfig,
): string {
  const rows = [
    [
      `drain c${config.concurrencies[1]}: CPU ms/1000 tasks`,
      "server",
      "workers",
      "db",
      "bench",
      "cores busy",
      "others' cores",
    ],
  ];
  const systems = [...new Set(sessions.map((s) => s.system))];
  for (const system of systems) {
    const drains = sessions
      .filter((s) => s.system === system && !s.error)
      .map((s) => s.drains[1])
      .filter((d): d is DrainSample => d !== undefined);
    if (drains.length === 0) continue;
    const per = (pick: (d: DrainSample) => number) =>
      number(median(drains.map((d) => (pick(d) / d.tasks) * 1000)));
    const cores = (pick: (d: DrainSample) => number) =>
      number(median(drains.map((d) => pick(d) / 1000 / d.seconds)));
    rows.push([
      system,
      per((d) => d.usage.cpuMs.server),
      per((d) => d.usage.cpuMs.workers),
      per((d) => d.usage.cpuMs.db),
      per((d) => d.usage.cpuMs.bench),
      cores(({ usage: { cpuMs: c } }) => c.server + c.workers + c.db + c.bench),
      cores((d) => d.usage.cpuMs.other),
    ]);
  }
  return columns(rows);
}

export function formatTargets(targets: Target[]): string {
  const rows = [["target", "value", "goal", ""]];
  for (const t of targets) {
    rows.push([
      t.what,
      t.value === undefined ? "-" : String(t.value),
      t.goal,
      t.met === undefined ? "not measured" : t.met ? "met" : "NOT MET",
    ]);
  }
  return columns(rows);
}

/** Writes `report` as JSON to `path`, making its directory. */
export function writeReport(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + "\n");
}
