/**
 * The task service: validates and defaults every input (SPEC §1), runs it
 * on the store (SPEC §2) and emits the domain events. It knows nothing of
 * the transport: the RPC handlers and the tests call it alike.
 */
import { InvalidArgumentError, TaskNotFoundError } from "../domain/errors.js";
import type {
  Claim,
  ReleasedTask,
  StateCount,
  Task,
  TaskGuard,
  TimedOutTask,
} from "../domain/task.js";
import {
  MAX_BATCH,
  checkBatch,
  checkName,
  checkTime,
  checkUuid,
  toClaim,
  toLeaseExtension,
  toGuard,
  toNewTask,
  toRelease,
  toUpdate,
  type ClaimInput,
  type Limits,
  type SubmitInput,
  type UpdateInput,
} from "../domain/validate.js";
import type { CompletionRequest } from "../domain/task.js";
import type { Completion, TaskStore } from "../store/store.js";
import { ClaimCoalescer } from "./claim-coalescer.js";
import { ClaimWaiters } from "./claim-waiters.js";
import { TaskEvents } from "./task-events.js";

/** How many expired leases one sweep statement handles at most. */
export const SWEEP_BATCH = 500;

/**
 * How often a long-poll claim looks again on its own, in milliseconds:
 * the bound on pickup latency when no wake-up reaches it (SQLite shared
 * by several processes, PostgreSQL behind PgBouncer without LISTEN).
 */
export const POLL_INTERVAL_MS = 500;

/** Options of a claim. */
export interface ClaimOptions {
  /** Wait up to this long for a task when none is waiting (long poll). */
  waitMs?: number;
  /** Aborts a waiting claim (the client went away). */
  signal?: AbortSignal;
}

/** The outcome of one entry of a batch completion. */
export type CompletionResult = Completion | Error;

export class TaskService {
  /** Long-poll claims waiting in this instance. */
  readonly waiters = new ClaimWaiters();
  private readonly closing = new AbortController();
  private readonly claims: ClaimCoalescer;
  /** Long-poll claims waiting here, by worker id, for endWaits(). */
  private readonly waitsByWorker = new Map<string, Set<AbortController>>();

  constructor(
    readonly store: TaskStore,
    readonly limits: Limits,
    readonly events: TaskEvents = new TaskEvents(),
  ) {
    this.claims = new ClaimCoalescer((claim) => store.claim(claim));
    // Whatever leaves a task waiting wakes a claim waiting for it here
    // (submits in emitSubmitted); other instances learn of it from the
    // store's notifications.
    events.on("timedOut", (e) => this.waiters.wake(e.queue, e.state));
  }

  /**
   * Creates a task (SPEC §2 Submit). When a long-poll claim of this
   * instance waits for its queue and state, the task is created claimed
   * for that claim in the same statement and handed to it: one round
   * trip to the store instead of two, which is most of an idle worker's
   * pickup latency.
   */
  async submit(input: SubmitInput): Promise<Task> {
    const newTask = toNewTask(input, this.limits);
    const waiter = this.waiters.reserve(newTask.queue, newTask.currentState);
    if (waiter?.claim === undefined) {
      const task = await this.store.submit(newTask);
      this.emitSubmitted([task]);
      return task;
    }
    let created: { submitted: Task; claimed: Task[] };
    try {
      created = await this.store.submitAndClaim(newTask, waiter.claim);
    } finally {
      if (waiter.reserved) this.waiters.unreserve(waiter);
    }
    const { submitted, claimed } = created;
    const handed = claimed.some((task) => task.uuid === submitted.uuid);
    this.emitSubmitted([submitted], { waiting: !handed });
    if (claimed.length > 0 && !this.waiters.handOff(waiter, claimed)) {
      // The claim stopped waiting while the task was created.
      await this.handBack(waiter.claim, claimed);
    }
    return submitted;
  }

  /** Creates tasks in one transaction, all or none, in request order. */
  async submitMany(inputs: SubmitInput[]): Promise<Task[]> {
    checkBatch("tasks", inputs, MAX_BATCH);
    const tasks = inputs.map((input, i) =>
      toNewTask(input, this.limits, `tasks[${i}].`),
    );
    const created = await this.store.submitMany(tasks);
    this.emitSubmitted(created);
    return created;
  }

  /**
   * Emits `submitted` events and, for tasks left waiting (not handed to a
   * claim), wakes a claim waiting for each.
   */
  private emitSubmitted(tasks: Task[], { waiting } = { waiting: true }) {
    for (const task of tasks) {
      this.events.emit("submitted", {
        queue: task.queue,
        state: task.currentState,
      });
      if (waiting) this.waiters.wake(task.queue, task.currentState);
    }
  }

  /**
   * Claims up to `limit` tasks (1 by default) from one queue or the best
   * across several. None is a normal answer, after waiting up to
   * `waitMs` for one to arrive. A claim whose caller went away (`signal`)
   * takes nothing: tasks claimed as it left are handed back.
   */
  async claim(input: ClaimInput, options: ClaimOptions = {}): Promise<Task[]> {
    const claim = toClaim(input);
    const { waitMs = 0 } = options;
    const until = Date.now() + waitMs;
    // One signal for "the caller left" and "the server is stopping",
    // linked by hand: AbortSignal.any() on the long-lived closing signal
    // leaks on Node 20 (nodejs/node#55351).
    const stop = new AbortController();
    const abort = () => stop.abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    this.closing.signal.addEventListener("abort", abort, { once: true });
    if (options.signal?.aborted || this.closing.signal.aborted) abort();
    const waits = waitMs > 0 ? this.waitsOf(claim.workerId) : undefined;
    waits?.add(stop);
    try {
      return await this.claimUntil(claim, until, stop.signal);
    } finally {
      options.signal?.removeEventListener("abort", abort);
      this.closing.signal.removeEventListener("abort", abort);
      waits?.delete(stop);
      if (waits?.size === 0) this.waitsByWorker.delete(claim.workerId);
    }
  }

  private waitsOf(workerId: string): Set<AbortController> {
    let waits = this.waitsByWorker.get(workerId);
    if (waits === undefined) this.waitsByWorker.set(workerId, (waits = new Set()));
    return waits;
  }

  /**
   * Ends the long-poll claims of `workerId` waiting here: each answers at
   * once (as for a caller who left, tasks it claimed but has not answered
   * with go back). Returns how many there were.
   */
  endWaits(workerIdInput: string): number {
    const workerId = checkName("worker_id", workerIdInput);
    const waits = this.waitsByWorker.get(workerId);
    if (waits === undefined) return 0;
    for (const wait of waits) wait.abort();
    return waits.size;
  }

  private async claimUntil(
    claim: Claim,
    until: number,
    signal: AbortSignal,
  ): Promise<Task[]> {
    for (;;) {
      const ticket = this.waiters.enter(
        claim.queues,
        claim.currentState,
        claim,
      );
      try {
        if (signal.aborted) return [];
        const tasks = await this.claims.claim(claim);
        if (tasks.length > 0) return await this.deliver(claim, tasks, signal);

        const left = until - Date.now();
        if (left <= 0) return [];
        const handed = await ticket.wait(
          Math.min(left, POLL_INTERVAL_MS),
          signal,
        );
        if (handed) return await this.deliver(claim, handed, signal);
      } finally {
        ticket.leave();
      }
    }
  }

  /** Ends every waiting claim with an empty answer (server shutdown). */
  stopWaiting(): void {
    this.closing.abort();
  }

  /** Hands claimed tasks to a caller still there, or back to the queue. */
  private async deliver(claim: Claim, tasks: Task[], signal?: AbortSignal) {
    if (signal?.aborted) {
      await this.handBack(claim, tasks);
      return [];
    }
    for (const task of tasks) {
      this.events.emit("claimed", {
        queue: task.queue,
        fromState: claim.currentState,
        workerId: claim.workerId,
        at: task.claimTime,
      });
    }
    // A full batch suggests more are waiting: pass the wake-up on.
    if (tasks.length === claim.limit) {
      for (const queue of claim.queues) {
        this.waiters.wake(queue, claim.currentState);
      }
    }
    return tasks;
  }

  /** Undoes the claim of tasks nobody received, and wakes other claims. */
  private async handBack(claim: Claim, tasks: Task[]) {
    await this.releaseNow(
      tasks.map((task) => ({ ...task, fromState: claim.currentState })),
    );
  }

  /**
   * Gives back claimed tasks nobody worked on, as if their claims had not
   * happened (a worker's unstarted prefetched tasks). Returns the uuids
   * given back; tasks not held under their claim token are skipped.
   */
  async releaseMany(inputs: ReleasedTask[]): Promise<string[]> {
    checkBatch("tasks", inputs, MAX_BATCH);
    return this.releaseNow(
      inputs.map((input, i) => toRelease(input, `tasks[${i}].`)),
    );
  }

  private async releaseNow(tasks: ReleasedTask[]): Promise<string[]> {
    const released = new Set(await this.store.release(tasks));
    for (const task of tasks) {
      if (released.has(task.uuid)) this.waiters.wake(task.queue, task.fromState);
    }
    return [...released];
  }

  /** Applies a guarded update (SPEC §2 Update). */
  async update(input: UpdateInput): Promise<Task> {
    const update = toUpdate(input, this.limits);
    const task = await this.store.update(update);
    if (!task.inFlight) this.waiters.wake(task.queue, task.currentState);
    this.events.emit("updated", {
      queue: task.queue,
      fromState: update.guard.currentState,
      toState: task.currentState,
    });
    return task;
  }

  /**
   * Completes a task and creates `next` in the same transaction. An empty
   * `next.queue` means the completed task's queue. Everything is validated
   * before anything is written.
   */
  async complete(
    guardInput: TaskGuard,
    nextInput: SubmitInput | undefined,
  ): Promise<Completion> {
    const { guard, next } = this.toCompletion(guardInput, nextInput);
    const done = await this.store.complete(guard, next);
    this.emitCompleted(guard, done);
    return done;
  }

  /**
   * Runs many completions; each one (with its next task) happens wholly or
   * not at all and gets its own result. An entry with bad input fails
   * alone, before anything is written.
   */
  async completeMany(
    inputs: { guard: TaskGuard; next: SubmitInput | undefined }[],
  ): Promise<CompletionResult[]> {
    checkBatch("tasks", inputs, MAX_BATCH);
    const results: CompletionResult[] = new Array(inputs.length);
    const valid: { i: number; request: CompletionRequest }[] = [];
    const seen = new Map<string, number>();
    inputs.forEach((input, i) => {
      try {
        const request = this.toCompletion(
          input.guard,
          input.next,
          `tasks[${i}].`,
        );
        const first = seen.get(request.guard.uuid);
        if (first !== undefined) {
          // One task, one completion: which entry holds the claim is not
          // for the order of the batch to decide.
          throw new InvalidArgumentError(
            `tasks[${i}].uuid`,
            `tasks[${i}].uuid repeats tasks[${first}].uuid; complete a ` +
              `task once per request`,
          );
        }
        seen.set(request.guard.uuid, i);
        valid.push({ i, request });
      } catch (err) {
        results[i] = err as Error;
      }
    });

    const done = await this.store.completeMany(valid.map((v) => v.request));
    done.forEach((result, k) => {
      const { i, request } = valid[k]!;
      results[i] = result;
      if (!(result instanceof Error)) this.emitCompleted(request.guard, result);
    });
    return results;
  }

  /** `prefix` names the entry of a batch in error messages (`tasks[3].`). */
  private toCompletion(
    guardInput: TaskGuard,
    nextInput: SubmitInput | undefined,
    prefix = "",
  ): CompletionRequest {
    const guard = toGuard(guardInput, prefix);
    const next =
      nextInput &&
      toNewTask(
        { ...nextInput, queue: nextInput.queue || guard.queue },
        this.limits,
        `${prefix}next_task.`,
      );
    return { guard, next };
  }

  private emitCompleted(guard: TaskGuard, done: Completion) {
    this.events.emit("completed", {
      queue: done.task.queue,
      fromState: guard.currentState,
      workerId: done.task.workerId,
      workDuration: done.task.workDuration,
      at: done.task.completeTime,
    });
    if (done.next) this.emitSubmitted([done.next]);
  }

  /**
   * Re-arms the lease of a task held under `claimToken` (a heartbeat):
   * `timeout` seconds from now, or the task's own timeout when 0.
   */
  async extendLease(input: {
    uuid: string;
    queue: string;
    claimToken: string;
    timeout: bigint;
  }): Promise<Task> {
    const { timeout, ...task } = toLeaseExtension(input);
    return this.store.extendLease(task, timeout);
  }

  /** Cancels a task (SPEC §2 Cancel). */
  async cancel(guardInput: TaskGuard): Promise<Task> {
    const guard = toGuard(guardInput);
    const task = await this.store.cancel(guard);
    this.events.emit("canceled", {
      queue: task.queue,
      fromState: guard.currentState,
      workerId: task.workerId,
      at: task.completeTime,
    });
    return task;
  }

  /** Finds a task, live or archived; `queue`, when set, must match. */
  async get(uuidInput: string, queueInput: string): Promise<Task> {
    const uuid = checkUuid("uuid", uuidInput);
    const queue = checkName("queue", queueInput, { optional: true });
    const task = await this.store.get(uuid);
    if (task === undefined || (queue !== "" && task.queue !== queue)) {
      throw new TaskNotFoundError(uuid);
    }
    return task;
  }

  /**
   * Sends every lease that ran out by `atTime` (0 = now) back to waiting,
   * in batches, for one queue or all (`queue` empty); returns how many.
   */
  async expireLeases(atTime: bigint, queueInput: string): Promise<number> {
    const at = checkTime("at_time", atTime);
    const queue = checkName("queue", queueInput, { optional: true });
    let total = 0;
    for (;;) {
      const batch = await this.store.expireLeases(
        at,
        queue || undefined,
        SWEEP_BATCH,
      );
      batch.forEach((task) => this.emitTimedOut(task));
      total += batch.length;
      if (batch.length < SWEEP_BATCH) return total;
    }
  }

  private emitTimedOut(task: TimedOutTask) {
    this.events.emit("timedOut", {
      queue: task.queue,
      state: task.state,
      workerId: task.workerId,
      at: task.at,
    });
  }

  /** Live tasks per queue and state, for one queue or all. */
  async stateCounts(queueInput = ""): Promise<StateCount[]> {
    const queue = checkName("queue", queueInput, { optional: true });
    return this.store.stateCounts(queue || undefined);
  }
}
