/**
 * pg-boss's consumer, in one of two modes:
 *
 * - `work`: `work()` with `batchSize` = this process's concurrency and
 *   the shortest polling interval pg-boss allows (0.5 s). Its loop sleeps
 *   out the interval after every fetch, even a full one, which caps it at
 *   `batchSize` jobs per interval; so after a full batch the handler
 *   calls pg-boss's `notifyWorker()`, documented to skip the interval
 *   for the next iteration, and the loop fetches again at once.
 * - `fetch`: a hand-written loop of `fetch({ batchSize })`, the no-op
 *   handlers, and one `complete()` per batch, the completion of a batch
 *   overlapping the fetch of the next one.
 *
 * pg-boss has no LISTEN/NOTIFY for new jobs: an idle consumer polls.
 */
import PgBoss from "pg-boss";
import { readPayload } from "../protocol.js";
import type { Consumer, OnTask } from "./consumer.js";

export interface PgBossOptions {
  connectionString: string;
  schema: string;
  queue: string;
  mode: "work" | "fetch";
  pollingIntervalSeconds: number;
  poolSize: number;
}

export class PgBossConsumer implements Consumer {
  private readonly boss: PgBoss;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private workerId: string | undefined;

  constructor(private readonly options: PgBossOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: options.poolSize,
      // The benchmark process supervises and migrates; workers only work.
      supervise: false,
      schedule: false,
      migrate: false,
    });
    this.boss.on("error", (error) => console.error("pg-boss:", error));
  }

  async open(): Promise<void> {
    await this.boss.start();
    // Opens the pool's connections now, not during a measurement.
    await Promise.all(
      Array.from({ length: this.options.poolSize }, () =>
        this.boss.getDb().executeSql("SELECT pg_sleep(0.01)", []),
      ),
    );
  }

  async start(concurrency: number, onTask: OnTask): Promise<void> {
    this.stopping = false;
    if (this.options.mode === "work") await this.startWork(concurrency, onTask);
    else this.loop = this.fetchLoop(concurrency, onTask);
  }

  private async startWork(batchSize: number, onTask: OnTask) {
    const { queue, pollingIntervalSeconds } = this.options;
    this.workerId = await this.boss.work<unknown>(
      queue,
      { batchSize, pollingIntervalSeconds },
      async (jobs) => {
        await Promise.all(
          jobs.map(async (job) => onTask(readPayload(job.data))),
        );
        if (jobs.length === batchSize && this.workerId !== undefined) {
          this.boss.notifyWorker(this.workerId);
        }
      },
    );
  }

  private async fetchLoop(batchSize: number, onTask: OnTask) {
    const { queue, pollingIntervalSeconds } = this.options;
    let completing: Promise<unknown> = Promise.resolve();
    while (!this.stopping) {
      const jobs = await this.boss.fetch<unknown>(queue, { batchSize });
      if (jobs.length === 0) {
        await completing;
        await this.pause(pollingIntervalSeconds * 1000);
        continue;
      }
      await Promise.all(jobs.map(async (job) => onTask(readPayload(job.data))));
      await completing;
      completing = this.boss.complete(
        queue,
        jobs.map((job) => job.id),
      );
    }
    await completing;
  }

  /** Sleeps `ms`, or less if stop() comes first. */
  private async pause(ms: number) {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.workerId !== undefined) {
      await this.boss.offWork({ id: this.workerId });
      this.workerId = undefined;
    }
    await this.loop;
    this.loop = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
