/**
 * graphile-worker's consumer: `run()` with the settings of its own
 * performance page (worker.graphile.org/docs/performance): a local queue
 * that locks and fetches jobs in batches (`localQueue.size`), and batched
 * completions and failures (`completeJobBatchDelay: 0`,
 * `failJobBatchDelay: 0`). It learns of new jobs by LISTEN/NOTIFY.
 */
import { Logger, run, type Runner } from "graphile-worker";
import pg from "pg";
import { readPayload } from "../protocol.js";
import type { Consumer, OnTask } from "./consumer.js";

export interface GraphileOptions {
  connectionString: string;
  schema: string;
  task: string;
  localQueueSize: number;
  poolSize: number;
}

/** Passes on errors only: the info lines would flood the output. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") console.error(`graphile-worker: ${message}`);
});

export class GraphileConsumer implements Consumer {
  private readonly pool: pg.Pool;
  private runner: Runner | undefined;

  constructor(private readonly options: GraphileOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
    });
    // graphile-worker asks for these: a dropped client is replaced.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  async open(): Promise<void> {
    // Opens every connection of the pool now, not during a measurement.
    const clients = await Promise.all(
      Array.from({ length: this.options.poolSize }, () => this.pool.connect()),
    );
    for (const client of clients) client.release();
  }

  async start(concurrency: number, onTask: OnTask): Promise<void> {
    this.runner = await run({
      pgPool: this.pool,
      schema: this.options.schema,
      concurrency,
      noHandleSignals: true,
      logger: quietLogger,
      taskList: {
        [this.options.task]: async (payload) => onTask(readPayload(payload)),
      },
      preset: {
        worker: {
          localQueue: { size: this.options.localQueueSize },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.pool.end();
  }
}
