/**
 * Counts the events of this instance in memory, per minute, queue,
 * state and worker, and adds them to the store in one batch every
 * `flushMs`. A claim or completion thus costs a map update here, and the
 * database sees one small batch of increments per instance per second.
 * Counts not yet flushed are lost if the process dies (at most one
 * interval's worth); task state itself is never at risk.
 */
import type { Logger } from "pino";
import {
  durationBucket,
  minuteOf,
  type DurationRow,
  type HistoryEvent,
  type HistoryRow,
  type StatsDelta,
  type WorkerRow,
} from "../domain/stats.js";
import type { TaskStore } from "../store/store.js";
import type { TaskEvents } from "./task-events.js";

export class StatsRecorder {
  private history = new Map<string, HistoryRow>();
  private durations = new Map<string, DurationRow>();
  private workers = new Map<string, WorkerRow>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TaskStore,
    private readonly log: Logger,
  ) {}

  /** Starts counting the events of `events`, flushing every `flushMs`. */
  start(events: TaskEvents, flushMs: number): void {
    events.on(
      "claimed",
      (e) => this.worker(e.queue, e.workerId, e.at).claims++,
    );
    events.on("completed", (e) => {
      this.event(
        "completed",
        e.queue,
        e.fromState,
        e.workerId,
        e.at,
        e.workDuration,
      );
      // A task completed without ever being claimed has no worker.
      if (e.workerId === "") return;
      this.worker(e.queue, e.workerId, e.at).completions++;
    });
    events.on("canceled", (e) =>
      this.event("canceled", e.queue, e.fromState, e.workerId, e.at, 0n),
    );
    events.on("timedOut", (e) => {
      this.event("timed_out", e.queue, e.state, e.workerId, e.at, 0n);
      // A timeout says the worker went silent: it does not count as seen.
      this.addWorker({
        queue: e.queue,
        workerId: e.workerId,
        firstSeen: e.at,
        lastSeen: 0n,
        claims: 0n,
        completions: 0n,
        timeouts: 1n,
      });
    });
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  private event(
    event: HistoryEvent,
    queue: string,
    state: string,
    workerId: string,
    at: bigint,
    workDuration: bigint,
  ) {
    const minute = minuteOf(at);
    const worked = event === "completed" && workDuration > 0n;
    const work = worked ? workDuration : 0n;
    this.addHistory({
      minute,
      queue,
      state,
      event,
      workerId,
      count: 1n,
      workSum: work,
      workMax: work,
    });
    if (worked) {
      const bucket = durationBucket(workDuration);
      this.addDuration({ minute, queue, bucket, count: 1n });
    }
  }

  private worker(queue: string, workerId: string, at: bigint): WorkerRow {
    const row = {
      queue,
      workerId,
      firstSeen: at,
      lastSeen: at,
      claims: 0n,
      completions: 0n,
      timeouts: 0n,
    };
    return this.addWorker(row);
  }

  private addHistory(delta: HistoryRow) {
    const { minute, queue, state, event, workerId } = delta;
    const key = keyOf(String(minute), queue, state, event, workerId);
    const row = this.history.get(key);
    if (row === undefined) return void this.history.set(key, { ...delta });
    row.count += delta.count;
    row.workSum += delta.workSum;
    if (delta.workMax > row.workMax) row.workMax = delta.workMax;
  }

  private addDuration(delta: DurationRow) {
    const key = keyOf(String(delta.minute), delta.queue, String(delta.bucket));
    const row = this.durations.get(key);
    if (row === undefined) this.durations.set(key, { ...delta });
    else row.count += delta.count;
  }

  private addWorker(delta: WorkerRow): WorkerRow {
    const key = keyOf(delta.queue, delta.workerId);
    const row = this.workers.get(key);
    if (row === undefined) {
      const added = { ...delta };
      this.workers.set(key, added);
      return added;
    }
    if (delta.firstSeen < row.firstSeen) row.firstSeen = delta.firstSeen;
    if (delta.lastSeen > row.lastSeen) row.lastSeen = delta.lastSeen;
    row.claims += delta.claims;
    row.completions += delta.completions;
    row.timeouts += delta.timeouts;
    return row;
  }

  /**
   * Writes what was counted so far. Flushes run one after another; a
   * failed one puts its counts back to be written with the next.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write() {
    const delta: StatsDelta = {
      history: [...this.history.values()],
      durations: [...this.durations.values()],
      workers: [...this.workers.values()],
    };
    if (delta.history.length + delta.workers.length === 0) return;
    this.history = new Map();
    this.durations = new Map();
    this.workers = new Map();
    try {
      await this.store.recordStats(delta);
    } catch (err) {
      this.log.warn({ err }, "stats: flush failed, will retry");
      this.restore(delta);
    }
  }

  private restore(delta: StatsDelta) {
    delta.history.forEach((row) => this.addHistory(row));
    delta.durations.forEach((row) => this.addDuration(row));
    delta.workers.forEach((row) => this.addWorker(row));
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/**
 * A map key for a row's identity. Names never hold control characters
 * (validate.ts), so NUL separates them unambiguously; this runs for every
 * task event, and joining is much cheaper than JSON.stringify.
 */
function keyOf(...parts: string[]): string {
  return parts.join("\u0000");
}
