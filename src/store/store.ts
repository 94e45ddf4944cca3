/**
 * The storage seam. Every store (SQLite, PostgreSQL) implements this
 * interface with the same behaviour, which the conformance suite in
 * `test/contract` checks. Inputs are already validated and defaulted by the
 * domain; stores only run them atomically, using the database clock.
 */
import type {
  LiveCount,
  MinuteCount,
  StatsDelta,
  TimeoutTotals,
  WorkerRow,
} from "../domain/stats.js";
import type {
  Claim,
  CompletionRequest,
  HeldTask,
  ReleasedTask,
  NewTask,
  StateCount,
  Task,
  TaskGuard,
  TaskUpdate,
  TimedOutTask,
} from "../domain/task.js";

/** The outcome of a completion. */
export interface Completion {
  /** The archived task (no payload). */
  task: Task;
  /** The task created in the same transaction, if one was asked for. */
  next: Task | undefined;
}

/** Kinds of rows that retention prunes. */
export type PrunableRows = "archived_tasks" | "history" | "workers";

/** Completions per queue and work-duration bucket. */
export interface DurationBucketCount {
  queue: string;
  bucket: number;
  count: bigint;
}

/** Whether the schema is usable by this version of Corndogs. */
export interface SchemaStatus {
  current: boolean;
  applied: number;
  expected: number;
}

export interface TaskStore {
  /** Which kind of store this is, for logs and metrics ("sqlite", …). */
  readonly kind: string;

  /**
   * Creates or upgrades the schema; safe when instances race. Resolves
   * with the names of the migrations this call applied (none when
   * another instance got there first).
   */
  migrate(): Promise<string[]>;

  /** Creates one waiting task. */
  submit(task: NewTask): Promise<Task>;

  /**
   * Creates one task for a claim that waits for one: atomically, the task
   * is created and, unless a task at least as good already waits in the
   * claim's queues and state, claimed for it (SPEC §2 claim semantics).
   * `claimed` is what the claim got (the new task, better ones, or
   * nothing); `submitted` is the new task as created, before
   * any claim, which is what its submitter sees.
   */
  submitAndClaim(
    task: NewTask,
    claim: Claim,
  ): Promise<{ submitted: Task; claimed: Task[] }>;

  /** Creates waiting tasks in one transaction, in order: all or none. */
  submitMany(tasks: NewTask[]): Promise<Task[]>;

  /**
   * Claims up to `claim.limit` waiting tasks in one state across
   * `claim.queues`, atomically (see SPEC §2), best first; none is a
   * normal result.
   */
  claim(claim: Claim): Promise<Task[]>;

  /**
   * Hands back claimed tasks nobody worked on, as if the claim had not
   * happened; tasks no longer held (queue and claim token) are skipped.
   * Returns the uuids handed back.
   */
  release(tasks: ReleasedTask[]): Promise<string[]>;

  /**
   * Re-arms the lease of a task held under `task.claimToken`: `timeout`
   * seconds from now, or the task's own timeout when 0.
   */
  extendLease(task: HeldTask, timeout: bigint): Promise<Task>;

  /** Applies a guarded update; throws the guard's error if it fails. */
  update(update: TaskUpdate): Promise<Task>;

  /**
   * Archives a task as `completed` and creates `next`, all in one
   * transaction; throws the guard's error and changes nothing on failure.
   */
  complete(guard: TaskGuard, next: NewTask | undefined): Promise<Completion>;

  /**
   * Runs many completions: each one (with its next task) happens wholly
   * or not at all, and gets its own result, a completion or the error
   * that explains why its guard did not match.
   */
  completeMany(requests: CompletionRequest[]): Promise<(Completion | Error)[]>;

  /** Archives a task as `canceled`; guarded like complete. */
  cancel(guard: TaskGuard): Promise<Task>;

  /** Finds a task, live or archived. */
  get(uuid: string): Promise<Task | undefined>;

  /**
   * Sends back to waiting at most `limit` in-flight tasks whose deadline is
   * at or before `atTime` (database now when 0n), optionally of one queue.
   */
  expireLeases(
    atTime: bigint,
    queue: string | undefined,
    limit: number,
  ): Promise<TimedOutTask[]>;

  /**
   * Calls `onWaiting` when tasks start waiting, including those made
   * waiting by other instances; a store without notifications omits it.
   * Returns how to stop listening.
   */
  listenForWaiting?(
    onWaiting: (queue: string, state: string, count: number) => void,
  ): Promise<() => Promise<void>>;

  /** Live tasks per queue and state. */
  stateCounts(queue: string | undefined): Promise<StateCount[]>;

  /** Adds counted events to the statistics. */
  recordStats(delta: StatsDelta): Promise<void>;

  /** Waiting and in-flight tasks per queue and state. */
  liveCounts(queue: string | undefined): Promise<LiveCount[]>;

  /** Events per minute, queue and kind over the minutes in [since, until). */
  historySeries(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<MinuteCount[]>;

  /** Timeouts per state and per worker over the minutes in [since, until). */
  timeoutTotals(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<TimeoutTotals>;

  /** The longest work duration per queue over [since, until). */
  workMax(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<Map<string, bigint>>;

  /** Completions per work-duration bucket over the minutes in [since, until). */
  durationBuckets(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<DurationBucketCount[]>;

  /** Workers last seen at or after `since`. */
  workersSeen(since: bigint, queue: string | undefined): Promise<WorkerRow[]>;

  /** The database clock, in Unix ns. */
  clock(): Promise<bigint>;

  /**
   * Takes or renews the lease `name` for `holder` for `ttlMs`; answers
   * whether `holder` has it.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;

  /** Deletes at most `limit` rows older than `before`; answers how many. */
  prune(rows: PrunableRows, before: bigint, limit: number): Promise<number>;

  /** Answers when the database is reachable and the schema current. */
  schemaStatus(): Promise<SchemaStatus>;

  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
