/**
 * BullMQ as a system under comparison: a fresh key prefix in Redis,
 * enqueued with `addBulk()` (one call for the lot), jobs removed on
 * completion. The million other jobs are in the same queue, delayed by a
 * year (BullMQ's "delayed" set), added with `addBulk()` in chunks: Redis
 * has no SQL to seed them with.
 */
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { TaskPayload } from "../protocol.js";
import { freshName } from "./postgres.js";
import { BenchFailure, type System } from "./system.js";

const QUEUE = "bench";
const JOB_NAME = "bench";
const JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true };
const YEAR_MS = 365 * 24 * 3600 * 1000;
const SEED_CHUNK = 10_000;

export class BullMqSystem implements System {
  readonly name = "bullmq";
  readonly settings =
    "Worker({ concurrency: share }) in 2 worker processes; addBulk() in " +
    "one call; removeOnComplete";
  readonly dbNames = ["redis-server"];
  readonly serverPid = undefined;
  readonly pollIntervalMs = 0;
  readonly measuresLatency = true;
  private prefix = "";
  private seeded = 0;
  private connection: Redis | undefined;
  private queue: Queue | undefined;

  constructor(private readonly redisUrl: string) {}

  async setup(): Promise<void> {
    this.prefix = freshName("bench_bq");
    this.connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
    });
    await this.queue.waitUntilReady();
  }

  private api(): Queue {
    if (!this.queue) throw new Error(`${this.name}: not set up`);
    return this.queue;
  }

  consumerSpec() {
    return {
      kind: "bullmq" as const,
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      queue: QUEUE,
    };
  }

  async enqueue(payloads: TaskPayload[]): Promise<void> {
    await this.api().addBulk(
      payloads.map((data) => ({ name: JOB_NAME, data, opts: JOB_OPTIONS })),
    );
  }

  async submitOne(payload: TaskPayload): Promise<void> {
    await this.api().add(JOB_NAME, payload, JOB_OPTIONS);
  }

  async seedOthers(count: number): Promise<void> {
    const opts = { ...JOB_OPTIONS, delay: YEAR_MS };
    for (let done = 0; done < count; done += SEED_CHUNK) {
      const size = Math.min(SEED_CHUNK, count - done);
      await this.api().addBulk(
        Array.from({ length: size }, () => ({
          name: JOB_NAME,
          data: { n: -1 },
          opts,
        })),
      );
    }
    this.seeded += count;
  }

  async checkDrained(): Promise<void> {
    const counts = await this.api().getJobCounts(
      "active",
      "wait",
      "prioritized",
      "waiting-children",
      "failed",
      "delayed",
    );
    const { delayed = 0, ...rest } = counts;
    const left = Object.entries(rest).filter(([, n]) => n > 0);
    if (left.length > 0 || delayed !== this.seeded) {
      throw new BenchFailure(
        `${this.name}: jobs left: ${JSON.stringify(counts)}`,
      );
    }
  }

  async teardown(): Promise<void> {
    await this.queue?.close();
    this.queue = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    try {
      await deleteKeys(connection, `${this.prefix}:*`);
    } finally {
      connection.disconnect();
    }
  }
}

/** Deletes every key matching `pattern`, a chunk at a time. */
async function deleteKeys(redis: Redis, pattern: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      pattern,
      "COUNT",
      10_000,
    );
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}
