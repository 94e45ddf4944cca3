/**
 * The load generator: concurrent submitters and claim+complete workers
 * over the real gRPC API. Each worker has its own client (its own HTTP/2
 * connection), as separate worker processes would.
 */
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../src/client/client.js";
import { runPhase } from "./phase.js";

/** Lease the benchmark's tasks get, in seconds: long enough never to end. */
const LEASE_SECONDS = 600n;

/** A small payload, like a typical job description. */
const PAYLOAD = new TextEncoder().encode(
  JSON.stringify({ image: "s3://bucket/path/to/object.png", size: 512 }),
);

/** Where and how hard to push: one worker per client. */
export interface LoadTarget {
  clients: CorndogsClient[];
  queue: string;
  timeoutMs: number;
}

/**
 * One client per worker. Each connects on its first call; reuse them
 * across phases so that the measured ones do not pay for connecting.
 */
export function workerClients(
  baseUrl: string,
  workers: number,
): CorndogsClient[] {
  return Array.from({ length: workers }, () =>
    createCorndogsClient({ baseUrl, protocol: "grpc" }),
  );
}

/** What the submit phase did. */
export interface SubmitResult {
  seconds: number;
  uuids: string[];
}

/** What the claim+complete phase did. */
export interface DrainResult {
  seconds: number;
  /** Every uuid claimed, in no particular order, repeats included. */
  claimed: string[];
  /** Round trip of each GetNextTask call that returned a task, in ms. */
  claimLatenciesMs: number[];
}

/** Submits `tasks` tasks to the queue with `workers` submitters. */
export async function submitPhase(
  target: LoadTarget,
  tasks: number,
): Promise<SubmitResult> {
  let next = 0;
  const { results, seconds } = await runPhase(
    `${target.queue}: submit`,
    target.clients.length,
    target.timeoutMs,
    async (index, signal) => {
      const client = clientAt(target, index);
      const uuids: string[] = [];
      while (next < tasks) {
        next += 1;
        const { task } = await client.submitTask(
          { queue: target.queue, timeout: LEASE_SECONDS, payload: PAYLOAD },
          { signal },
        );
        if (!task) throw new Error("SubmitTask answered without a task");
        uuids.push(task.uuid);
      }
      return uuids;
    },
  );
  return { seconds, uuids: results.flat() };
}

/**
 * Claims and completes tasks of the queue with `workers` workers; each
 * stops at its first empty claim (no waiting task left).
 */
export async function drainPhase(target: LoadTarget): Promise<DrainResult> {
  const { results, seconds } = await runPhase(
    `${target.queue}: claim+complete`,
    target.clients.length,
    target.timeoutMs,
    (index, signal) =>
      drainWorker(clientAt(target, index), target, index, signal),
  );
  return {
    seconds,
    claimed: results.flatMap((r) => r.claimed),
    claimLatenciesMs: results.flatMap((r) => r.latencies),
  };
}

async function drainWorker(
  client: CorndogsClient,
  target: LoadTarget,
  index: number,
  signal: AbortSignal,
) {
  const claimed: string[] = [];
  const latencies: number[] = [];
  const workerId = `bench-worker-${index}`;
  for (;;) {
    const started = performance.now();
    const { task } = await client.getNextTask(
      { queue: target.queue, workerId },
      { signal },
    );
    if (!task) return { claimed, latencies };
    latencies.push(performance.now() - started);
    claimed.push(task.uuid);
    await client.completeTask(
      {
        uuid: task.uuid,
        queue: task.queue,
        currentState: task.currentState,
        claimToken: task.claimToken,
      },
      { signal },
    );
  }
}

function clientAt(target: LoadTarget, index: number): CorndogsClient {
  const client = target.clients[index];
  if (!client) throw new Error(`no client for worker ${index}`);
  return client;
}
