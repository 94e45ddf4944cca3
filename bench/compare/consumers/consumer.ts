/**
 * The worker side of one system: takes tasks with that system's own
 * consumer API and calls `onTask` as each handler starts. Handlers do no
 * work, so a handler's start is also its end.
 */
import type { TaskPayload } from "../protocol.js";

/** Called at the start of each handler with the task's payload. */
export type OnTask = (payload: TaskPayload) => void;

export interface Consumer {
  /** Connects (and warms up connections); before any start(). */
  open(): Promise<void>;
  /** Starts taking tasks, `concurrency` handlers at once at most. */
  start(concurrency: number, onTask: OnTask): Promise<void>;
  /** Stops taking tasks; resolves once the taken ones are completed. */
  stop(): Promise<void>;
  /** Releases every connection. */
  close(): Promise<void>;
}
