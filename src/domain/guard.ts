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
    return new PreconditionError(
      id,
      `task ${id} is in queue ${JSON.stringify(task.queue)}, ` +
        `not ${JSON.stringify(guard.queue)}`,
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
    return new PreconditionError(
      id,
      `claim_token does not match task ${id}: the lease was lost ` +
        `(the task timed out${task.inFlight ? " and was claimed again" : ""})`,
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
