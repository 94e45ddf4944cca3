/**
 * Bounded phases: a phase runs a number of concurrent workers under one
 * time limit. When the limit passes, or any worker fails, the others are
 * told to stop (through the AbortSignal, which every RPC carries) and the
 * phase fails at once, without waiting for calls that ignore the signal.
 */
import { setMaxListeners } from "node:events";

/** A phase went over its time limit. */
export class PhaseTimeout extends Error {
  override readonly name = "PhaseTimeout";
}

/**
 * Runs `worker(index, signal)` `count` times concurrently; resolves with
 * their results and the wall-clock seconds they took, or rejects with the
 * first failure or a PhaseTimeout after `timeoutMs`.
 */
export async function runPhase<T>(
  name: string,
  count: number,
  timeoutMs: number,
  worker: (index: number, signal: AbortSignal) => Promise<T>,
): Promise<{ results: T[]; seconds: number }> {
  const controller = new AbortController();
  // Every call in flight listens to the signal: one per worker, and more.
  setMaxListeners(4 * count + 10, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new PhaseTimeout(`${name}: over its ${timeoutMs} ms limit`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  const started = performance.now();
  const workers = Array.from({ length: count }, (_, index) =>
    worker(index, controller.signal).catch((err: unknown) => {
      controller.abort(err);
      throw err;
    }),
  );
  try {
    const results = await Promise.race([Promise.all(workers), expired]);
    return { results, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearTimeout(timer);
    controller.abort(new Error(`${name}: finished`));
  }
}
