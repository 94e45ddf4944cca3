/**
 * A system under comparison, seen from the benchmark process: how to set
 * it up fresh, enqueue with its own APIs, seed a million tasks that must
 * not be taken, tell whether everything taken was completed, and throw
 * it all away. Its workers run in worker processes (consumers/).
 */
import type { ConsumerSpec, TaskPayload } from "../protocol.js";

/** The systems compared; `corndogs-pg` is the one the others face. */
export const SYSTEM_NAMES = [
  "corndogs-pg",
  "corndogs-sqlite",
  "graphile-worker",
  "pg-boss-work",
  "pg-boss-fetch",
  "bullmq",
] as const;

export type SystemName = (typeof SYSTEM_NAMES)[number];

export interface System {
  readonly name: SystemName;
  /** How it is set up, for the report. */
  readonly settings: string;
  /** Command names of the database server's processes. */
  readonly dbNames: readonly string[];
  /** The Corndogs server's process id, for systems that have one. */
  readonly serverPid: number | undefined;
  /** Whether its idle pickup latency means anything (see pg-boss). */
  readonly measuresLatency: boolean;
  /**
   * How often an idle consumer polls, in ms; 0 if it is woken instead.
   * Latency tries are spread over this, so they fall at random phases
   * of the polls instead of in step with them.
   */
  readonly pollIntervalMs: number;
  /** Makes a fresh schema, database or key prefix, and starts a server. */
  setup(): Promise<void>;
  /** What the worker processes need to consume. */
  consumerSpec(): ConsumerSpec;
  /** Enqueues with the system's batch API. */
  enqueue(payloads: TaskPayload[]): Promise<void>;
  /** Enqueues one task with the system's single-task API. */
  submitOne(payload: TaskPayload): Promise<void>;
  /** Adds `count` tasks that must not be taken (each system says which). */
  seedOthers(count: number): Promise<void>;
  /**
   * Throws unless every benchmark task taken was completed: nothing left
   * waiting, running or failed, besides the seeded tasks.
   */
  checkDrained(): Promise<void>;
  /** Stops the server and removes everything it made. */
  teardown(): Promise<void>;
}

/** A correctness check failed: the numbers cannot be trusted. */
export class BenchFailure extends Error {
  override readonly name = "BenchFailure";
}
