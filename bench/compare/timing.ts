/** Time limits and pauses for the comparison's phases. */
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/** A phase went over its time limit. */
export class PhaseTimeout extends Error {
  override readonly name = "PhaseTimeout";
}

/** Resolves like `promise`, or rejects after `ms` with a PhaseTimeout. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PhaseTimeout(`${what}: over its ${ms} ms limit`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Retries `check` every 200 ms until it passes or `ms` have passed. */
export async function eventually(
  check: () => Promise<void>,
  ms: number,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= until) throw error;
      await sleep(200);
    }
  }
}

/** Seconds since `start` (an hrtime reading in ns). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
