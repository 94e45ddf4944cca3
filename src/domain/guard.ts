/**
 * Why a guarded change (update, complete, cancel) found nothing to change.
 * Stores run the change with the guard in its WHERE clause; when no row
 * matched they look the task up and let this module name the reason, so
 * every store reports the same error for the same situation.
 */
import { PreconditionError, TaskNotFoundError } from "./errors.js";
import type { HeldTask, Task, TaskGuard } from "./task.js";

/** A task as found after a guarded change matched nothing. */
export interface FoundTask {
  task: Task;
  archived: boolean;
}

/** Returns the error that explains why `guard` did not match `found`. */
export function guardFailure(
  guard: TaskGuard,
  found: FoundTask | undefined,
  { requireInFlight = false } = {},
): Error {
  if (found === undefined) return new TaskNotFoundError(guard.uuid);
  const { task, archived } = found;
  const id = guard.uuid;

  if (task.queue !== guard.queue) {
    // Name only the queue asked for: the task's own is not the caller's
    // business, as GetTaskStateByID with a queue also keeps it hidden.
    return new PreconditionError(
      id,
      `task ${id} is not in queue ${JSON.stringify(guard.queue)}`,
    );
  }
  if (archived) {
    return new PreconditionError(
      id,
      `task ${id} is already ${task.currentState} and cannot change`,
    );
  }
  if (task.currentState !== guard.currentState) {
    return new PreconditionError(
      id,
      `task ${id} is in state ${JSON.stringify(task.currentState)}, ` +
        `not ${JSON.stringify(guard.currentState)}`,
    );
  }
  if (guard.claimToken !== "" && task.claimToken !== guard.claimToken) {
    const why = task.inFlight
      ? "it is held under another claim token now"
      : "no claim holds it (it timed out or was handed back)";
    return new PreconditionError(
      id,
      `claim_token does not match task ${id}: the lease was lost, ${why}`,
    );
  }
  if (requireInFlight && !task.inFlight) {
    return new PreconditionError(
      id,
      `task ${id} is not in flight, so keep_in_flight cannot apply`,
    );
  }
  return new PreconditionError(id, `task ${id} changed concurrently; retry`);
}

/** Why a lease extension of `task` found nothing to extend. */
export function leaseFailure(
  task: HeldTask,
  found: FoundTask | undefined,
): Error {
  // A lease is guarded by queue and claim token, not by state.
  const guard = { ...task, currentState: found?.task.currentState ?? "" };
  return guardFailure(guard, found, { requireInFlight: true });
}
