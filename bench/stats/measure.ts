/**
 * Timing helpers of the statistics benchmark.
 */
import { performance } from "node:perf_hooks";
import { createCorndogsClient } from "../../src/client/client.js";
import { Worker } from "../../src/worker/worker.js";

/** Latencies of one call, in milliseconds. */
export interface CallTiming {
  name: string;
  p50: number;
  p95: number;
  max: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Calls each function `times` times in turn (after one warm-up call). */
export async function timeCalls(
  times: number,
  calls: Record<string, () => Promise<unknown>>,
): Promise<CallTiming[]> {
  const samples = new Map<string, number[]>();
  for (const call of Object.values(calls)) await call();
  for (let i = 0; i < times; i++) {
    for (const [name, call] of Object.entries(calls)) {
      const start = performance.now();
      await call();
      const list = samples.get(name) ?? [];
      list.push(performance.now() - start);
      samples.set(name, list);
    }
  }
  return [...samples].map(([name, list]) => {
    const sorted = list.sort((a, b) => a - b);
    return {
      name,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      max: sorted[sorted.length - 1] ?? NaN,
    };
  });
}

/**
 * Submits `count` tasks to `queue`, then drains them with a Worker
 * (concurrency 50, no-op handler); answers tasks per second of the drain
 * and fails if any task was handled twice or not at all.
 */
export async function drainWithWorkers(
  baseUrl: string,
  queue: string,
  count: number,
): Promise<number> {
  const client = createCorndogsClient({ baseUrl });
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    await client.submitTasks({
      tasks: Array.from({ length: size }, () => ({ queue, timeout: 60n })),
    });
  }
  const seen = new Set<string>();
  let duplicates = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker({
    client,
    queues: [queue],
    concurrency: 50,
    waitMs: 1000,
    handleSignals: false,
    handler: async (task) => {
      if (seen.has(task.uuid)) duplicates++;
      seen.add(task.uuid);
      if (seen.size === count) finish();
    },
  });
  const started = performance.now();
  const running = worker.run();
  const timeout = setTimeout(() => finish(), 300_000);
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  clearTimeout(timeout);
  worker.stop();
  await running;
  const left = (await client.getTaskStateCounts({ queue })).count;
  if (duplicates > 0 || seen.size !== count || left !== 0n) {
    throw new Error(
      `drain of ${queue}: ${seen.size}/${count} handled, ` +
        `${duplicates} twice, ${left} left`,
    );
  }
  return count / seconds;
}
