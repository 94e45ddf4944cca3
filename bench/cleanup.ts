/**
 * Clean-up on interruption: what must be undone if a benchmark is
 * stopped by SIGINT or SIGTERM mid-run (worker processes, the server, a
 * database, schema or key prefix). Normal runs undo these themselves, in
 * `finally` blocks; child processes are also killed by exit hooks.
 */

/** Longest the clean-up may take after a signal. */
const CLEANUP_LIMIT_MS = 15_000;

const pending: (() => Promise<void>)[] = [];

/**
 * Runs `fn` with `undo` registered; on a signal during `fn`, registered
 * undos run newest first. `fn` itself must undo on its normal paths.
 */
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

/** On SIGINT or SIGTERM: undo what is pending, then exit 130. */
export function cleanUpOnSignals(): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`bench: ${signal}, cleaning up…`);
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
    } catch (err) {
      console.error(`bench: clean-up failed: ${String(err)}`);
    }
  }
}
