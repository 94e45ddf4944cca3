/**
 * What Corndogs records for operators (SPEC §3) and how it is shaped.
 * Events are counted in memory by each instance and written in batches,
 * as increments of per-minute rows, so recording never turns a claim or
 * a completion into a write on a shared hot row.
 */

/** One minute, in Unix ns. History rows start on a minute boundary. */
export const MINUTE_NS = 60_000_000_000n;

/** The start of the minute that holds `at` (Unix ns). */
export function minuteOf(at: bigint): bigint {
  return at - (((at % MINUTE_NS) + MINUTE_NS) % MINUTE_NS);
}

/** The kinds of event kept in the history. */
export type HistoryEvent = "completed" | "canceled" | "timed_out";

/**
 * Events of one minute, queue, state, kind and worker. For completions
 * and cancellations `state` is the state the task left; for timeouts, the
 * state it went back to (the state it was claimed from).
 */
export interface HistoryRow {
  minute: bigint;
  queue: string;
  state: string;
  event: HistoryEvent;
  workerId: string;
  count: bigint;
  /** Sum and maximum of the work durations (ns), for completions. */
  workSum: bigint;
  workMax: bigint;
}

/** Completions of one minute and queue whose work took `bucket`. */
export interface DurationRow {
  minute: bigint;
  queue: string;
  bucket: number;
  count: bigint;
}

/** A worker as seen in one queue. */
export interface WorkerRow {
  queue: string;
  workerId: string;
  firstSeen: bigint;
  lastSeen: bigint;
  claims: bigint;
  completions: bigint;
  timeouts: bigint;
}

/** Increments to add to the recorded statistics. */
export interface StatsDelta {
  history: HistoryRow[];
  durations: DurationRow[];
  workers: WorkerRow[];
}

/** Live tasks of one queue and state. */
export interface LiveCount {
  queue: string;
  state: string;
  waiting: bigint;
  inFlight: bigint;
  /** Submit time of the oldest waiting task (Unix ns); 0 when none. */
  oldestWaiting: bigint;
}

/**
 * Work-duration buckets: bucket `b` holds durations in
 * (GROWTH^(b-1), GROWTH^b] ns, so a percentile read from the buckets is
 * at most 10 % above the true value. Bucket 0 holds durations ≤ 1 ns.
 */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

/** The bucket of a duration in ns. */
export function durationBucket(ns: bigint): number {
  if (ns <= 1n) return 0;
  const bucket = Math.ceil(Math.log(Number(ns)) / LOG_GROWTH - 1e-9);
  // Guard the float rounding at the edges of a bucket.
  const value = Number(ns);
  if (value > bucketUpperBound(bucket)) return bucket + 1;
  if (bucket > 1 && value <= bucketUpperBound(bucket - 1)) return bucket - 1;
  return bucket;
}

/** The largest duration (ns) that falls in `bucket`. */
export function bucketUpperBound(bucket: number): number {
  return Math.floor(Math.exp(bucket * LOG_GROWTH));
}

/** Percentiles of work durations, in ns. */
export interface DurationSummary {
  queue: string;
  count: bigint;
  p50: bigint;
  p90: bigint;
  p99: bigint;
  max: bigint;
}

/**
 * Reads percentiles off bucket counts: the upper bound of the bucket
 * that holds the q-th duration, capped by the exact maximum.
 */
export function summarize(
  queue: string,
  buckets: { bucket: number; count: bigint }[],
  max: bigint,
): DurationSummary {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const count = sorted.reduce((sum, b) => sum + b.count, 0n);
  const at = (q: number): bigint => {
    if (count === 0n) return 0n;
    const rank = BigInt(Math.max(1, Math.ceil(q * Number(count))));
    let seen = 0n;
    for (const { bucket, count: n } of sorted) {
      seen += n;
      if (seen >= rank) {
        const bound = BigInt(bucketUpperBound(bucket));
        return bound < max ? bound : max;
      }
    }
    return max;
  };
  return { queue, count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max };
}

/** Events of one minute, queue and kind, summed over states and workers. */
export interface MinuteCount {
  minute: bigint;
  queue: string;
  event: HistoryEvent;
  count: bigint;
}

/** Timeouts summed per queue and one other key (a state or a worker). */
export interface KeyedCount {
  queue: string;
  key: string;
  count: bigint;
}

/** Timeouts in a window, per queue and state and per queue and worker. */
export interface TimeoutTotals {
  byState: KeyedCount[];
  byWorker: KeyedCount[];
}
