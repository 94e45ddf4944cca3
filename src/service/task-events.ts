/**
 * Domain events: the service emits each one once, after the change is
 * committed; metrics and logs subscribe to them instead of being spread
 * through the code. Every event carries the queue it happened in.
 */
import { EventEmitter } from "node:events";

/**
 * Payloads of the task events, by event name. `at` is when it happened,
 * in Unix ns from the database clock; `workerId` is the worker that made
 * (or held) the claim.
 */
export interface TaskEventMap {
  /** A task was created (by submit or as a next task). */
  submitted: [{ queue: string; state: string }];
  /** A worker claimed a task. */
  claimed: [{ queue: string; fromState: string; workerId: string; at: bigint }];
  /** A task was updated. */
  updated: [{ queue: string; fromState: string; toState: string }];
  /** A task was completed; `workDuration` in ns, 0 if it was not held. */
  completed: [
    {
      queue: string;
      fromState: string;
      workerId: string;
      workDuration: bigint;
      at: bigint;
    },
  ];
  /** A task was canceled. */
  canceled: [
    { queue: string; fromState: string; workerId: string; at: bigint },
  ];
  /** A lease ran out; the task went back to waiting in `state`. */
  timedOut: [{ queue: string; state: string; workerId: string; at: bigint }];
}

/** The event bus of one server instance. */
export class TaskEvents extends EventEmitter<TaskEventMap> {}
