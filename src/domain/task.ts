/**
 * The task domain: what a task is and what each operation takes. Nothing
 * here knows about SQL or RPC. Times are Unix nanoseconds as `bigint`;
 * timeouts are whole seconds.
 */

/** The state a task gets when submitted without one. */
export const DEFAULT_STATE = "submitted";

/** Suffix of the default `autoTargetState`: `"submitted"` → `"submitted-working"`. */
export const WORKING_SUFFIX = "-working";

/** Final state of a completed task, in both state fields. */
export const COMPLETED_STATE = "completed";

/** Final state of a canceled task, in both state fields. */
export const CANCELED_STATE = "canceled";

/** Worker id recorded for claims that do not name one. */
export const ANONYMOUS_WORKER = "anonymous";

/** A task, live or archived, as the stores return it. */
export interface Task {
  uuid: string;
  queue: string;
  currentState: string;
  autoTargetState: string;
  submitTime: bigint;
  updateTime: bigint;
  /** Lease length in seconds applied on claim; 0 means none. */
  timeout: bigint;
  priority: bigint;
  /** Always empty for archived tasks. */
  payload: Uint8Array;
  /** Fencing value of the latest claim; "" while waiting or archived. */
  claimToken: string;
  inFlight: boolean;
  /** When the current lease runs out; 0n when there is none. */
  deadline: bigint;
  /** Who made the latest claim; "" if never claimed. */
  workerId: string;
  claimCount: bigint;
  claimTime: bigint;
  completeTime: bigint;
  workDuration: bigint;
}

/** A validated, defaulted task to create. */
export interface NewTask {
  queue: string;
  currentState: string;
  autoTargetState: string;
  timeout: bigint;
  priority: bigint;
  payload: Uint8Array;
}

/** A validated claim: which tasks to take and how to change them. */
export interface Claim {
  /** One or more queues; the best task across all of them comes first. */
  queues: string[];
  currentState: string;
  /** Positive: lease for this claim; negative: no lease; 0: the task's own. */
  overrideTimeout: bigint;
  /** "" means the task's `autoTargetState`. */
  overrideCurrentState: string;
  /** "" means the state the task is claimed from. */
  overrideAutoTargetState: string;
  workerId: string;
  /**
   * Per-task worker ids, in claim order, when one statement serves the
   * claims of several workers (coalescing); tasks beyond the list, or all
   * when it is empty, get `workerId`.
   */
  workerIds: string[];
  /** How many tasks to take at most. */
  limit: number;
}

/**
 * What a caller must know about a task to change it: the task must be in
 * `queue` and `currentState`, and, when `claimToken` is not empty, still
 * held under that claim.
 */
export interface TaskGuard {
  uuid: string;
  queue: string;
  currentState: string;
  claimToken: string;
}

/** A validated update of a live task. */
export interface TaskUpdate {
  guard: TaskGuard;
  newState: string;
  autoTargetState: string;
  /** Undefined keeps the task's own timeout. */
  timeout: bigint | undefined;
  priority: bigint;
  /** Undefined keeps the payload; an empty array empties it. */
  payload: Uint8Array | undefined;
  /** Keep an in-flight task in flight and re-arm its deadline. */
  keepInFlight: boolean;
}

/** A task whose lease ran out and that went back to waiting. */
export interface TimedOutTask {
  uuid: string;
  queue: string;
  /** The state it went back to (the one it was claimed from). */
  state: string;
  /** The worker that held the lease. */
  workerId: string;
  /** When it went back, in Unix ns (database clock). */
  at: bigint;
}

/** One row of the live-task counts. */
export interface StateCount {
  queue: string;
  state: string;
  count: bigint;
}

/** A completion to run: the guard, and the next task to create if any. */
export interface CompletionRequest {
  guard: TaskGuard;
  next: NewTask | undefined;
}

/** A task claimed and held under a claim token. */
export interface HeldTask {
  uuid: string;
  queue: string;
  claimToken: string;
}

/** A task to hand back as if its claim, from `fromState`, never was. */
export interface ReleasedTask extends HeldTask {
  fromState: string;
}
