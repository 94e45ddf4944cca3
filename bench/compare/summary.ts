/**
 * From the sessions' samples to the comparison's numbers: per workload
 * and system, the median over repetitions (and the spread), the ratio of
 * Corndogs-on-PostgreSQL to each system, and the targets of issue #4.
 */
import type { SessionResult } from "./session.js";
import { median, round } from "./stats.js";
import type { SystemName } from "./systems/system.js";

/** The workloads, in report order. */
export const WORKLOADS = [
  "enqueue",
  "drain-low",
  "drain-high",
  "latency-median",
  "latency-p99",
  "drain-million",
  "million-slowdown",
  "server-rss",
] as const;

export type Workload = (typeof WORKLOADS)[number];

/** One cell: a workload on a system, over its repetitions. */
export interface Cell {
  workload: Workload;
  system: SystemName;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** Corndogs-on-PostgreSQL's median divided by this one's. */
  cdPgRatio: number | undefined;
}

/** What one session contributes to a workload (none: empty). */
function samples(session: SessionResult, workload: Workload): number[] {
  const [low, high] = [session.drains[0], session.drains[1]];
  switch (workload) {
    case "enqueue":
      return session.enqueue.map((e) => e.tasksPerSecond);
    case "drain-low":
      return low ? [low.tasksPerSecond] : [];
    case "drain-high":
      return high ? [high.tasksPerSecond] : [];
    case "latency-median":
      return session.latency ? [session.latency.medianMs] : [];
    case "latency-p99":
      return session.latency ? [session.latency.p99Ms] : [];
    case "drain-million":
      return session.million ? [session.million.drain.tasksPerSecond] : [];
    case "million-slowdown":
      return session.million && high
        ? [high.tasksPerSecond / session.million.drain.tasksPerSecond]
        : [];
    case "server-rss":
      return session.serverRssMaxBytes > 0
        ? [session.serverRssMaxBytes / 2 ** 20]
        : [];
  }
}

/** Every workload × system with at least one sample. */
export function summarize(sessions: SessionResult[]): Cell[] {
  const systems = [...new Set(sessions.map((s) => s.system))];
  const cells: Cell[] = [];
  for (const workload of WORKLOADS) {
    for (const system of systems) {
      const values = sessions
        .filter((s) => s.system === system && s.error === undefined)
        .flatMap((s) => samples(s, workload));
      if (values.length === 0) continue;
      cells.push({
        workload,
        system,
        median: round(median(values), 2),
        min: round(Math.min(...values), 2),
        max: round(Math.max(...values), 2),
        runs: values.length,
        cdPgRatio: undefined,
      });
    }
    const base = cells.find(
      (c) => c.workload === workload && c.system === "corndogs-pg",
    );
    for (const cell of cells) {
      if (cell.workload === workload && base && cell.median > 0) {
        cell.cdPgRatio = round(base.median / cell.median, 2);
      }
    }
  }
  return cells;
}

/** One of issue #4's targets, met or not. */
export interface Target {
  what: string;
  value: number | undefined;
  goal: string;
  met: boolean | undefined;
}

/** Checks issue #4's targets against the summary. */
export function checkTargets(cells: Cell[]): Target[] {
  const get = (workload: Workload, system: SystemName) =>
    cells.find((c) => c.workload === workload && c.system === system)?.median;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? round(a / b, 2) : undefined;
  const cdHigh = get("drain-high", "corndogs-pg");
  const pgBossBest = maxOf(
    get("drain-high", "pg-boss-work"),
    get("drain-high", "pg-boss-fetch"),
  );
  const target = (
    what: string,
    value: number | undefined,
    goal: string,
    test: (value: number) => boolean,
  ): Target => ({
    what,
    value,
    goal,
    met: value === undefined ? undefined : test(value),
  });
  return [
    target(
      "drain c50: corndogs-pg ÷ graphile-worker",
      ratio(cdHigh, get("drain-high", "graphile-worker")),
      "≥ 1.5",
      (v) => v >= 1.5,
    ),
    target(
      "drain c50: corndogs-pg ÷ pg-boss (better mode)",
      ratio(cdHigh, pgBossBest),
      "≥ 10",
      (v) => v >= 10,
    ),
    target(
      "pickup latency median, corndogs-pg (ms)",
      get("latency-median", "corndogs-pg"),
      "≤ 3",
      (v) => v <= 3,
    ),
    target(
      "drain c50, 1M elsewhere: corndogs-pg slowdown vs empty",
      get("million-slowdown", "corndogs-pg"),
      "≤ 1.5",
      (v) => v <= 1.5,
    ),
    target(
      "drain c50: corndogs-sqlite ÷ bullmq",
      ratio(get("drain-high", "corndogs-sqlite"), get("drain-high", "bullmq")),
      "≥ 1",
      (v) => v >= 1,
    ),
    target(
      "server RSS max, corndogs-pg (MB)",
      get("server-rss", "corndogs-pg"),
      "< 200",
      (v) => v < 200,
    ),
    target(
      "server RSS max, corndogs-sqlite (MB)",
      get("server-rss", "corndogs-sqlite"),
      "< 200",
      (v) => v < 200,
    ),
  ];
}

function maxOf(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}
