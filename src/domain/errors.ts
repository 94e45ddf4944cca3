/**
 * The closed set of errors Corndogs reports to callers. Each carries the
 * facts a caller needs; the RPC layer maps each class to one status code.
 */

/** Input broke a rule; nothing was written. */
export class InvalidArgumentError extends Error {
  override readonly name = "InvalidArgumentError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The task does not exist (live or archived). */
export class TaskNotFoundError extends Error {
  override readonly name = "TaskNotFoundError";
  constructor(readonly uuid: string) {
    super(`task ${uuid} not found`);
  }
}

/**
 * The task exists but not as the caller expected it (another state, queue
 * or claim, or already archived); nothing was changed.
 */
export class PreconditionError extends Error {
  override readonly name = "PreconditionError";
  constructor(
    readonly uuid: string,
    message: string,
  ) {
    super(message);
  }
}

/** The store failed; its detail is logged but never shown to callers. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
