/**
 * Benchmark results: what one run measured, the plain-text table printed
 * at the end, and the JSON file written next to it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { StoreKind } from "./config.js";

/** Measurements of one phase of one run. */
export interface PhaseResult {
  seconds: number;
  tasksPerSecond: number;
  /** Server resident memory at the end of the phase. */
  serverRssBytes: number;
  /** CPU the server and the load generator used during the phase. */
  serverCpuMs: number;
  clientCpuMs: number;
}

/** One store × workers run. */
export interface RunResult {
  store: StoreKind;
  workers: number;
  tasks: number;
  submit: PhaseResult;
  drain: PhaseResult & { claimP50Ms: number; claimP99Ms: number };
}

/** The whole results file. */
export interface BenchReport {
  ok: boolean;
  error?: string;
  startedAt: string;
  totalSeconds: number;
  node: string;
  cpus: number;
  /** 1-minute load average before and after: other work skews results. */
  loadAverage: { start: number; end: number };
  warmupTasks: number;
  runs: RunResult[];
}

const MB = 1024 * 1024;

const COLUMNS: { title: string; cell: (r: RunResult) => string }[] = [
  { title: "store", cell: (r) => r.store },
  { title: "workers", cell: (r) => String(r.workers) },
  { title: "submit/s", cell: (r) => r.submit.tasksPerSecond.toFixed(0) },
  {
    title: "claim+complete/s",
    cell: (r) => r.drain.tasksPerSecond.toFixed(0),
  },
  { title: "claim p50 ms", cell: (r) => r.drain.claimP50Ms.toFixed(2) },
  { title: "claim p99 ms", cell: (r) => r.drain.claimP99Ms.toFixed(2) },
  {
    title: "server RSS MB",
    cell: (r) => (r.drain.serverRssBytes / MB).toFixed(0),
  },
];

/**
 * The runs as an aligned table: text columns to the left, numbers to the
 * right. Server RSS is the reading at the end of the claim+complete phase.
 */
export function formatTable(runs: readonly RunResult[]): string {
  const rows = [
    COLUMNS.map((c) => c.title),
    ...runs.map((r) => COLUMNS.map((c) => c.cell(r))),
  ];
  const widths = COLUMNS.map((_, i) =>
    Math.max(...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join(" | ");
  const rule = widths.map((w) => "-".repeat(w)).join("-+-");
  const [header, ...body] = rows;
  return [line(header ?? []), rule, ...body.map(line)].join("\n");
}

/** Writes `report` as JSON to `path`, creating its directory. */
export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
