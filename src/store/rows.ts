/**
 * Turns database rows into tasks. Both stores use the same column names;
 * this module absorbs how each driver represents integers, booleans and
 * bytes (bigint or string, 0/1 or true/false, Buffer).
 */
import type {
  HistoryEvent,
  KeyedCount,
  LiveCount,
  MinuteCount,
  WorkerRow,
} from "../domain/stats.js";
import type { Task, TimedOutTask } from "../domain/task.js";
import type { DurationBucketCount } from "./store.js";

type Row = Record<string, unknown>;

const EMPTY = new Uint8Array(0);

function int(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") {
    return BigInt(value);
  }
  throw new TypeError(`expected an integer column, got ${typeof value}`);
}

function text(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : EMPTY;
}

/** A row of the live-task table as a task. */
export function liveTask(row: Row): Task {
  return toTask(row, false);
}

/** A row of the archive as a task (no payload, no lease). */
export function archivedTask(row: Row): Task {
  return toTask(row, true);
}

/**
 * One object literal for both kinds of row, built straight from the row:
 * a batch converts hundreds of rows, and building the task from spread
 * copies (of the row, or of a part of the task) made these two functions
 * several per cent of the server's time in `npm run bench:compare`.
 */
function toTask(row: Row, archived: boolean): Task {
  return {
    uuid: text(row.uuid),
    queue: text(row.queue),
    currentState: text(row.current_state),
    autoTargetState: text(row.auto_target_state),
    submitTime: int(row.submit_time),
    updateTime: int(row.update_time),
    timeout: int(row.timeout),
    priority: int(row.priority),
    payload: archived ? EMPTY : bytes(row.payload),
    claimToken: archived ? "" : text(row.claim_token),
    inFlight: archived ? false : bool(row.in_flight),
    deadline: archived ? 0n : int(row.deadline),
    workerId: text(row.worker_id),
    claimCount: int(row.claim_count),
    claimTime: int(row.claim_time),
    completeTime: archived ? int(row.complete_time) : 0n,
    workDuration: archived ? int(row.work_duration) : 0n,
  };
}

/** A row returned by a lease sweep. */
export function timedOutTask(row: Row): TimedOutTask {
  return {
    uuid: text(row.uuid),
    queue: text(row.queue),
    state: text(row.state),
    workerId: text(row.worker_id),
    at: int(row.at),
  };
}

/**
 * Rows sorted into claim order: priority, then submit time, then
 * insertion order (seq).
 */
export function claimedOrder(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => {
    const [pa, pb] = [int(a.priority), int(b.priority)];
    if (pa !== pb) return pa > pb ? -1 : 1;
    const [ta, tb] = [int(a.submit_time), int(b.submit_time)];
    if (ta !== tb) return ta < tb ? -1 : 1;
    return int(a.seq) < int(b.seq) ? -1 : 1;
  });
}

/**
 * Claimed rows as tasks in claim order, since UPDATE … RETURNING gives no
 * order.
 */
export function claimedTasks(rows: Row[]): Task[] {
  return claimedOrder(rows).map(liveTask);
}

/** A row of the history summed per minute, queue and kind. */
export function minuteCount(row: Row): MinuteCount {
  return {
    minute: int(row.minute),
    queue: text(row.queue),
    event: text(row.event) as HistoryEvent,
    count: int(row.count),
  };
}

/** A count per queue and `keyColumn`. */
export function keyedCount(row: Row, keyColumn: string): KeyedCount {
  return {
    queue: text(row.queue),
    key: text(row[keyColumn]),
    count: int(row.count),
  };
}

/** Rows of (queue, work_max) as a map. */
export function workMaxByQueue(rows: Row[]): Map<string, bigint> {
  return new Map(rows.map((row) => [text(row.queue), int(row.work_max)]));
}

/** A row of the work-duration buckets, summed over a window. */
export function durationBucketCount(row: Row): DurationBucketCount {
  return {
    queue: text(row.queue),
    bucket: Number(row.bucket),
    count: int(row.count),
  };
}

/** A row of the workers table. */
export function workerRow(row: Row): WorkerRow {
  return {
    queue: text(row.queue),
    workerId: text(row.worker_id),
    firstSeen: int(row.first_seen),
    lastSeen: int(row.last_seen),
    claims: int(row.claims),
    completions: int(row.completions),
    timeouts: int(row.timeouts),
  };
}

/** A row of the live counts. */
export function liveCount(row: Row): LiveCount {
  return {
    queue: text(row.queue),
    state: text(row.state),
    waiting: int(row.waiting),
    inFlight: int(row.in_flight),
    oldestWaiting: int(row.oldest_waiting),
  };
}
