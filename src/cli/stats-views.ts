/**
 * Text views of the statistics, shared by `stats`, `workers` and `top`.
 */
import type {
  GetCompletionHistoryResponse,
  GetQueueStatsResponse,
  GetTimeoutStatsResponse,
  GetWorkDurationsResponse,
  GetWorkersResponse,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import { isoTime, table } from "./print.js";

/** A duration in ns, readable: 850ms, 12.3s, 4m05s, 2h10m. */
export function duration(ns: bigint): string {
  const ms = Number(ns) / 1e6;
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Waiting and in-flight tasks per queue and state. */
export function queueStatsView(stats: GetQueueStatsResponse): string {
  return table(
    ["QUEUE", "STATE", "WAITING", "IN FLIGHT", "OLDEST WAITING"],
    stats.states.map((s) => [
      s.queue,
      s.state,
      String(s.waiting),
      String(s.inFlight),
      s.oldestWaitingAge > 0n ? duration(s.oldestWaitingAge) : "-",
    ]),
  );
}

/** Work-duration percentiles per queue. */
export function durationsView(stats: GetWorkDurationsResponse): string {
  return table(
    ["QUEUE", "DONE", "P50", "P90", "P99", "MAX"],
    stats.queues.map((q) => [
      q.queue,
      String(q.count),
      duration(q.p50),
      duration(q.p90),
      duration(q.p99),
      duration(q.max),
    ]),
  );
}

/** Timeouts per queue and state, then per worker. */
export function timeoutsView(stats: GetTimeoutStatsResponse): string {
  const byState = table(
    ["QUEUE", "STATE", "TIMEOUTS"],
    stats.byState.map((t) => [t.queue, t.state, String(t.count)]),
  );
  const byWorker = table(
    ["QUEUE", "WORKER", "TIMEOUTS"],
    stats.byWorker.map((t) => [t.queue, t.workerId, String(t.count)]),
  );
  return `${byState}\n\n${byWorker}`;
}

/** Completions, cancellations and timeouts per bucket. */
export function historyView(history: GetCompletionHistoryResponse): string {
  return table(
    ["FROM", "QUEUE", "COMPLETED", "CANCELED", "TIMED OUT"],
    history.buckets.map((b) => [
      isoTime(b.start),
      b.queue,
      String(b.completed),
      String(b.canceled),
      String(b.timedOut),
    ]),
  );
}

/** Workers per queue with their counts. */
export function workersView(workers: GetWorkersResponse, now?: bigint): string {
  return table(
    ["QUEUE", "WORKER", "CLAIMS", "DONE", "TIMEOUTS", "LAST SEEN"],
    workers.workers.map((w) => [
      w.queue,
      w.workerId,
      String(w.claims),
      String(w.completions),
      String(w.timeouts),
      now === undefined
        ? isoTime(w.lastSeen)
        : `${duration(now - w.lastSeen)} ago`,
    ]),
  );
}
