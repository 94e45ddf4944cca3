/**
 * pg-boss as a system under comparison, in its `work()` or its
 * hand-written `fetch()` mode (consumers/pgboss.ts): a fresh schema and
 * queue, enqueued with `insert()` (one call for the lot). This process's
 * instance supervises (maintenance), as one instance of a deployment
 * does. The million other jobs are in the same queue but start a year
 * ahead (`start_after`), inserted with SQL.
 */
import PgBoss from "pg-boss";
import type { TaskPayload } from "../protocol.js";
import {
  dropSchema,
  freshName,
  vacuumAnalyze,
  withPostgres,
} from "./postgres.js";
import { BenchFailure, type System, type SystemName } from "./system.js";

const QUEUE = "bench";
/** pg-boss's shortest polling interval. */
const POLLING_INTERVAL_SECONDS = 0.5;
/** Connections per worker process (pg-boss's default is 10). */
const POOL_SIZE = 10;

export class PgBossSystem implements System {
  readonly name: SystemName;
  readonly settings;
  readonly dbNames = ["postgres"];
  readonly serverPid = undefined;
  readonly pollIntervalMs = POLLING_INTERVAL_SECONDS * 1000;
  readonly measuresLatency;
  private schema = "";
  private boss: PgBoss | undefined;

  constructor(
    private readonly mode: "work" | "fetch",
    private readonly postgresUrl: string,
  ) {
    this.name = mode === "work" ? "pg-boss-work" : "pg-boss-fetch";
    this.settings =
      mode === "work"
        ? "work({ batchSize: concurrency share, pollingIntervalSeconds: " +
          `${POLLING_INTERVAL_SECONDS} }) in 2 worker processes, ` +
          "notifyWorker() after a full batch; insert() in one call"
        : "hand-written fetch({ batchSize }) + complete(ids) loop in 2 " +
          "worker processes, completion overlapping the next fetch; " +
          "insert() in one call";
    // The fetch loop's idle pause is this benchmark's choice, not
    // pg-boss's: its pickup latency would measure that choice.
    this.measuresLatency = mode === "work";
  }

  async setup(): Promise<void> {
    this.schema = freshName("bench_pb");
    this.boss = new PgBoss({
      connectionString: this.postgresUrl,
      schema: this.schema,
    });
    this.boss.on("error", (error) => console.error("pg-boss:", error));
    await this.boss.start();
    await this.boss.createQueue(QUEUE);
  }

  private api(): PgBoss {
    if (!this.boss) throw new Error(`${this.name}: not set up`);
    return this.boss;
  }

  consumerSpec() {
    return {
      kind: "pgboss" as const,
      connectionString: this.postgresUrl,
      schema: this.schema,
      queue: QUEUE,
      mode: this.mode,
      pollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
      poolSize: POOL_SIZE,
    };
  }

  async enqueue(payloads: TaskPayload[]): Promise<void> {
    await this.api().insert(payloads.map((data) => ({ name: QUEUE, data })));
  }

  async submitOne(payload: TaskPayload): Promise<void> {
    await this.api().send(QUEUE, payload);
  }

  async seedOthers(count: number): Promise<void> {
    await withPostgres(this.postgresUrl, (client) =>
      client.query(
        `INSERT INTO "${this.schema}".job
           (name, data, start_after, keep_until, policy)
         SELECT $1, '{"n":-1}', now() + interval '365 days',
           now() + interval '400 days', 'standard'
         FROM generate_series(1, $2::integer)`,
        [QUEUE, count],
      ),
    );
    await vacuumAnalyze(this.postgresUrl, `"${this.schema}".job`);
  }

  async checkDrained(): Promise<void> {
    const { rows } = await withPostgres(this.postgresUrl, (client) =>
      client.query<{ state: string; n: string }>(
        `SELECT state, count(*) AS n FROM "${this.schema}".job
         WHERE name = $1 AND state <> 'completed'
           AND start_after < now() + interval '1 day'
         GROUP BY state`,
        [QUEUE],
      ),
    );
    if (rows.length > 0) {
      const left = rows.map((r) => `${r.n} ${r.state}`).join(", ");
      throw new BenchFailure(`${this.name}: jobs left: ${left}`);
    }
  }

  async teardown(): Promise<void> {
    await this.boss?.stop({ graceful: false, wait: true, timeout: 5000 });
    this.boss = undefined;
    if (this.schema) await dropSchema(this.postgresUrl, this.schema);
  }
}
