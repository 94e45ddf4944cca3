/**
 * Retries the calls that settle a task (complete, hand back, release)
 * while the server cannot be reached. Giving up on the first failure
 * strands the task in flight: until its lease runs out, or for good when
 * it has none.
 */
import { Code, ConnectError } from "@connectrpc/connect";

/** First pause after a failed call, ms; it doubles after each failure. */
const FIRST_PAUSE_MS = 100;
/** Longest pause between tries, ms. */
const LONGEST_PAUSE_MS = 5000;

/**
 * Failures that say nothing about the task: the server was down,
 * restarting, overloaded or cut off mid-call. Any other answer (a wrong
 * token, an invalid request) would come back the same on every try.
 */
const TRANSIENT = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Aborted,
  Code.Internal,
  Code.Unknown,
]);

function isTransient(error: unknown): boolean {
  return TRANSIENT.has(ConnectError.from(error).code);
}

/**
 * Runs `call` until it succeeds, fails for a reason other than a
 * transient one, or `keepTrying` says no (it is asked after each failure,
 * with how long the next pause would be). Rejects with the last error.
 * `onRetry` hears of each failure that is retried.
 */
export async function retryTransient<T>(
  call: (attempt: number) => Promise<T>,
  keepTrying: (pauseMs: number) => boolean,
  onRetry: (error: unknown) => void,
): Promise<T> {
  let pause = FIRST_PAUSE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!isTransient(error) || !keepTrying(pause)) throw error;
      onRetry(error);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(LONGEST_PAUSE_MS, pause * 2);
    }
  }
}
