/**
 * Answers the operators' questions of SPEC §3 from the live tasks and the
 * recorded statistics. Windows are whole minutes: the minute holding
 * `since` is in, the minute starting at `until` is out. Each answer first
 * flushes this instance's unwritten counts; other instances' counts
 * arrive within their flush interval.
 */
import {
  MINUTE_NS,
  minuteOf,
  summarize,
  type DurationSummary,
  type LiveCount,
  type WorkerRow,
} from "../domain/stats.js";
import { InvalidArgumentError } from "../domain/errors.js";
import { checkName, checkTime } from "../domain/validate.js";
import type { TaskStore } from "../store/store.js";
import type { StatsRecorder } from "./stats-recorder.js";

/** Window used when a request gives none: the last hour. */
export const DEFAULT_WINDOW_NS = 60n * MINUTE_NS;

/** Longest window or look-back accepted: 31 days. */
const MAX_WINDOW_NS = 31n * 24n * 60n * MINUTE_NS;

/** A time window request: 0 means "now" for until, "until - 1 h" for since. */
export interface WindowInput {
  queue: string;
  since: bigint;
  until: bigint;
}

/** A resolved window, in whole minutes. */
interface Window {
  queue: string | undefined;
  since: bigint;
  until: bigint;
}

export interface TimeoutCounts {
  byState: { queue: string; state: string; count: bigint }[];
  byWorker: { queue: string; workerId: string; count: bigint }[];
}

export interface HistoryBucket {
  start: bigint;
  queue: string;
  completed: bigint;
  canceled: bigint;
  timedOut: bigint;
}

export class StatsService {
  constructor(
    private readonly store: TaskStore,
    private readonly recorder: StatsRecorder,
  ) {}

  /** Waiting and in-flight tasks per queue and state, now. */
  async queues(
    queueInput: string,
  ): Promise<{ now: bigint; counts: LiveCount[] }> {
    const queue = checkName("queue", queueInput, { optional: true });
    const [now, counts] = await Promise.all([
      this.store.clock(),
      this.store.liveCounts(queue || undefined),
    ]);
    return { now, counts };
  }

  /** Timeouts per queue and state, and per worker, in a window. */
  async timeouts(input: WindowInput): Promise<TimeoutCounts> {
    const { since, until, queue } = await this.window(input);
    await this.recorder.flush();
    const totals = await this.store.timeoutTotals(since, until, queue);
    return {
      byState: totals.byState.map((t) => ({
        queue: t.queue,
        state: t.key,
        count: t.count,
      })),
      byWorker: totals.byWorker.map((t) => ({
        queue: t.queue,
        workerId: t.key,
        count: t.count,
      })),
    };
  }

  /** Workers seen per queue in the last `minutes` minutes. */
  async workers(queueInput: string, minutes: bigint): Promise<WorkerRow[]> {
    const queue = checkName("queue", queueInput, { optional: true });
    if (minutes < 1n || minutes > MAX_WINDOW_NS / MINUTE_NS) {
      throw new InvalidArgumentError(
        "within_minutes",
        `within_minutes must be 1 to ${MAX_WINDOW_NS / MINUTE_NS}, got ${minutes}`,
      );
    }
    await this.recorder.flush();
    const now = await this.store.clock();
    return this.store.workersSeen(
      now - minutes * MINUTE_NS,
      queue || undefined,
    );
  }

  /** The history as a series of `bucketMinutes`-minute buckets. */
  async series(
    input: WindowInput,
    bucketMinutes: bigint,
  ): Promise<HistoryBucket[]> {
    if (bucketMinutes < 1n || bucketMinutes > 1440n) {
      throw new InvalidArgumentError(
        "bucket_minutes",
        `bucket_minutes must be 1 to 1440, got ${bucketMinutes}`,
      );
    }
    const { since, until, queue } = await this.window(input);
    await this.recorder.flush();
    const rows = await this.store.historySeries(since, until, queue);
    const width = bucketMinutes * MINUTE_NS;
    const buckets = new Map<string, HistoryBucket>();
    for (const row of rows) {
      const start = since + ((row.minute - since) / width) * width;
      const key = `${start}\n${row.queue}`;
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = {
          start,
          queue: row.queue,
          completed: 0n,
          canceled: 0n,
          timedOut: 0n,
        };
        buckets.set(key, bucket);
      }
      if (row.event === "completed") bucket.completed += row.count;
      if (row.event === "canceled") bucket.canceled += row.count;
      if (row.event === "timed_out") bucket.timedOut += row.count;
    }
    return [...buckets.values()].sort((a, b) =>
      a.start !== b.start
        ? a.start < b.start
          ? -1
          : 1
        : a.queue < b.queue
          ? -1
          : 1,
    );
  }

  /** Work-duration percentiles per queue in a window. */
  async durations(input: WindowInput): Promise<DurationSummary[]> {
    const window = await this.window(input);
    await this.recorder.flush();
    const [buckets, max] = await Promise.all([
      this.store.durationBuckets(window.since, window.until, window.queue),
      this.store.workMax(window.since, window.until, window.queue),
    ]);
    const byQueue = new Map<string, typeof buckets>();
    for (const bucket of buckets) {
      byQueue.set(bucket.queue, [...(byQueue.get(bucket.queue) ?? []), bucket]);
    }
    return [...byQueue.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([queue, counts]) => summarize(queue, counts, max.get(queue) ?? 0n));
  }

  private async window(input: WindowInput): Promise<Window> {
    const queue = checkName("queue", input.queue, { optional: true });
    let until = checkTime("until", input.until);
    let since = checkTime("since", input.since);
    if (until === 0n) until = await this.store.clock();
    if (since === 0n) since = until - DEFAULT_WINDOW_NS;
    if (since >= until || until - since > MAX_WINDOW_NS) {
      throw new InvalidArgumentError(
        "since",
        `since must be before until and at most 31 days before it`,
      );
    }
    return { queue: queue || undefined, since: minuteOf(since), until };
  }
}
