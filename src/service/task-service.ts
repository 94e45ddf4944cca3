/**
 * The task service: validates and defaults every input (SPEC §1), runs it
 * on the store (SPEC §2) and emits the domain events. It knows nothing of
 * the transport: the RPC handlers and the tests call it alike.
 */
import { TaskNotFoundError } from "../domain/errors.js";
import type {
  StateCount,
  Task,
  TaskGuard,
  TimedOutTask,
} from "../domain/task.js";
import {
  checkName,
  checkTime,
  checkUuid,
  toClaim,
  toGuard,
  toNewTask,
  toUpdate,
  type ClaimInput,
  type Limits,
  type SubmitInput,
  type UpdateInput,
} from "../domain/validate.js";
import type { Completion, TaskStore } from "../store/store.js";
import { TaskEvents } from "./task-events.js";

/** How many expired leases one sweep statement handles at most. */
export const SWEEP_BATCH = 500;

export class TaskService {
  constructor(
    readonly store: TaskStore,
    readonly limits: Limits,
    readonly events: TaskEvents = new TaskEvents(),
  ) {}

  /** Creates a task (SPEC §2 Submit). */
  async submit(input: SubmitInput): Promise<Task> {
    const task = await this.store.submit(toNewTask(input, this.limits));
    this.events.emit("submitted", { queue: task.queue, state: task.currentState });
    return task;
  }

  /** Claims up to `limit` tasks (1 by default); none is a normal answer. */
  async claim(input: ClaimInput): Promise<Task[]> {
    const claim = toClaim(input);
    const tasks = await this.store.claim(claim);
    for (const task of tasks) {
      this.events.emit("claimed", {
        queue: task.queue,
        fromState: claim.currentState,
        workerId: claim.workerId,
      });
    }
    return tasks;
  }

  /** Applies a guarded update (SPEC §2 Update). */
  async update(input: UpdateInput): Promise<Task> {
    const update = toUpdate(input, this.limits);
    const task = await this.store.update(update);
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
    const guard = toGuard(guardInput);
    const next =
      nextInput &&
      toNewTask(
        { ...nextInput, queue: nextInput.queue || guard.queue },
        this.limits,
        "next_task.",
      );
    const done = await this.store.complete(guard, next);

    this.events.emit("completed", {
      queue: done.task.queue,
      fromState: guard.currentState,
      workDuration: done.task.workDuration,
    });
    if (done.next) {
      this.events.emit("submitted", {
        queue: done.next.queue,
        state: done.next.currentState,
      });
    }
    return done;
  }

  /** Cancels a task (SPEC §2 Cancel). */
  async cancel(guardInput: TaskGuard): Promise<Task> {
    const guard = toGuard(guardInput);
    const task = await this.store.cancel(guard);
    this.events.emit("canceled", {
      queue: task.queue,
      fromState: guard.currentState,
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
    });
  }

  /** Live tasks per queue and state, for one queue or all. */
  async stateCounts(queueInput = ""): Promise<StateCount[]> {
    const queue = checkName("queue", queueInput, { optional: true });
    return this.store.stateCounts(queue || undefined);
  }
}
