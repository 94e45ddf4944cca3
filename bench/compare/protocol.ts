/**
 * What the benchmark process and its worker processes say to each other
 * over the Node.js IPC channel, and the payload every benchmark task
 * carries, whichever system runs it.
 *
 * Times are `process.hrtime.bigint()` readings in nanoseconds, sent as
 * decimal strings: on Linux that clock is CLOCK_MONOTONIC, one clock for
 * every process of the machine, so a reading taken here and one taken in
 * a worker process can be subtracted.
 */

/** How a worker process reaches the system under test. */
export type ConsumerSpec =
  | { kind: "corndogs"; baseUrl: string; queue: string }
  | {
      kind: "graphile";
      connectionString: string;
      schema: string;
      task: string;
      /** `preset.worker.localQueue.size`. */
      localQueueSize: number;
      /** Most connections of one process's pool. */
      poolSize: number;
    }
  | {
      kind: "pgboss";
      connectionString: string;
      schema: string;
      queue: string;
      /** `work()` with batches, or a hand-written fetch()+complete() loop. */
      mode: "work" | "fetch";
      /** Pause after an empty fetch, in seconds (pg-boss's minimum: 0.5). */
      pollingIntervalSeconds: number;
      poolSize: number;
    }
  | { kind: "bullmq"; redisUrl: string; prefix: string; queue: string };

/** The payload of every benchmark task. */
export interface TaskPayload {
  /** The task's number in its phase, for the exactly-once check. */
  n: number;
  /** For latency tries: when it was submitted (hrtime ns, decimal). */
  t?: string;
}

/** Benchmark process → worker process. */
export type ParentMessage =
  | { type: "init"; spec: ConsumerSpec }
  /** Start handling tasks, this many at once in this process. */
  | { type: "start"; concurrency: number }
  /** Stop taking tasks, finish and complete the ones taken. */
  | { type: "stop" }
  /** Close connections and exit. */
  | { type: "exit" };

/** Worker process → benchmark process. */
export type ChildMessage =
  | { type: "ready" }
  | { type: "started" }
  | { type: "stopped" }
  | {
      type: "handled";
      /** The `n` of each task whose handler ran, in order. */
      ids: number[];
      /** When the last of them ran (hrtime ns, decimal). */
      lastAt: string;
      /** For tasks with `t`: handler start minus `t`, in ns. */
      latenciesNs: number[];
    }
  | { type: "error"; message: string };

/** Encodes a payload as JSON bytes (for systems that carry bytes). */
export function payloadBytes(payload: TaskPayload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** Reads a payload from JSON bytes or an already-decoded object. */
export function readPayload(data: unknown): TaskPayload {
  const value: unknown =
    data instanceof Uint8Array
      ? JSON.parse(new TextDecoder().decode(data))
      : data;
  const n = (value as { n?: unknown } | null)?.n;
  if (typeof n !== "number") {
    throw new Error(`not a benchmark task: ${JSON.stringify(value)}`);
  }
  return value as TaskPayload;
}
