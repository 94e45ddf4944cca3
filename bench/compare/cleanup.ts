/**
 * Clean-up on interruption: what must be undone if the comparison is
 * stopped by SIGINT or SIGTERM mid-run (worker processes, the server, a
 * schema or key prefix). Normal runs undo these themselves, in `finally`
 * blocks; child processes are also killed by exit hooks.
 */

const CLEANUP_LIMIT_MS = 15_000;

const pending: (() => Promise<void>)[] = [];

/** Runs `fn` with `undo` registered for signals; `fn` must undo itself. */
export async function withCleanup<T>(
  undo: () => Promise<void>,
  fn: () => Promise<T>,
): Promise<T> {
  pending.push(undo);
  try {
    return await fn();
  } finally {
    pending.splice(pending.indexOf(undo), 1);
  }
}

/** On SIGINT or SIGTERM: undo what is pending, newest first; exit 130. */
export function cleanUpOnSignals(): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`bench:compare: ${signal}, cleaning up…`);
    setTimeout(() => process.exit(130), CLEANUP_LIMIT_MS).unref();
    void undoAll().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

async function undoAll() {
  for (const undo of pending.splice(0).reverse()) {
    try {
      await undo();
    } catch (error) {
      console.error(`bench:compare: clean-up failed: ${String(error)}`);
    }
  }
}
