/**
 * graphile-worker as a system under comparison: a fresh schema, migrated
 * by `WorkerUtils`, enqueued with `addJobs()` (one call for the lot).
 * The million other jobs are of the same task but scheduled a year ahead
 * (`run_at`), inserted with SQL: jobs that exist but may not run yet.
 */
import { Logger, makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import type { TaskPayload } from "../protocol.js";
import {
  dropSchema,
  freshName,
  vacuumAnalyze,
  withPostgres,
} from "./postgres.js";
import { BenchFailure, type System } from "./system.js";

const TASK = "bench";
/** graphile-worker's performance page uses a local queue of 500. */
const LOCAL_QUEUE_SIZE = 500;
/** Connections per worker process: its page's `concurrency + 1`. */
const POOL_SIZE = 26;

const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") console.error(`graphile-worker: ${message}`);
});

export class GraphileSystem implements System {
  readonly name = "graphile-worker";
  readonly settings =
    `run() in 2 worker processes, localQueue.size ${LOCAL_QUEUE_SIZE}, ` +
    "completeJobBatchDelay 0, failJobBatchDelay 0, pool of " +
    `${POOL_SIZE}; addJobs() with all tasks in one call`;
  readonly dbNames = ["postgres"];
  readonly serverPid = undefined;
  readonly pollIntervalMs = 0;
  readonly measuresLatency = true;
  private schema = "";
  private utils: WorkerUtils | undefined;

  constructor(private readonly postgresUrl: string) {}

  async setup(): Promise<void> {
    this.schema = freshName("bench_gw");
    this.utils = await makeWorkerUtils({
      connectionString: this.postgresUrl,
      schema: this.schema,
      logger: quietLogger,
    });
    await this.utils.migrate();
  }

  private api(): WorkerUtils {
    if (!this.utils) throw new Error(`${this.name}: not set up`);
    return this.utils;
  }

  consumerSpec() {
    return {
      kind: "graphile" as const,
      connectionString: this.postgresUrl,
      schema: this.schema,
      task: TASK,
      localQueueSize: LOCAL_QUEUE_SIZE,
      poolSize: POOL_SIZE,
    };
  }

  async enqueue(payloads: TaskPayload[]): Promise<void> {
    await this.api().addJobs(
      payloads.map((payload) => ({ identifier: TASK, payload })),
    );
  }

  async submitOne(payload: TaskPayload): Promise<void> {
    await this.api().addJob(TASK, payload);
  }

  async seedOthers(count: number): Promise<void> {
    const s = `"${this.schema}"`;
    await withPostgres(this.postgresUrl, async (client) => {
      await client.query(
        `INSERT INTO ${s}._private_tasks (identifier) VALUES ($1)
         ON CONFLICT DO NOTHING`,
        [TASK],
      );
      await client.query(
        `INSERT INTO ${s}._private_jobs (task_id, payload, run_at)
         SELECT (SELECT id FROM ${s}._private_tasks WHERE identifier = $1),
           '{"n":-1}', now() + interval '365 days'
         FROM generate_series(1, $2::integer)`,
        [TASK, count],
      );
    });
    await vacuumAnalyze(this.postgresUrl, `${s}._private_jobs`);
  }

  async checkDrained(): Promise<void> {
    // Completed jobs are deleted; failed ones stay with attempts > 0.
    const { rows } = await withPostgres(this.postgresUrl, (client) =>
      client.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${this.schema}"._private_jobs
         WHERE run_at < now() + interval '1 day'`,
      ),
    );
    const left = Number(rows[0]?.n);
    if (left !== 0) {
      throw new BenchFailure(`${this.name}: ${left} jobs left`);
    }
  }

  async teardown(): Promise<void> {
    await this.utils?.release();
    this.utils = undefined;
    if (this.schema) await dropSchema(this.postgresUrl, this.schema);
  }
}
