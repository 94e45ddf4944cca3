/**
 * Corndogs as a system under comparison: its own `corndogs serve` process
 * on a fresh PostgreSQL schema or a fresh SQLite file, enqueued with
 * SubmitTasks (1000 tasks a request, the most it takes, 4 requests in
 * flight on one HTTP/2 connection). The million other tasks are in the
 * benchmark's queue but in another state ("parked"), inserted with SQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { CorndogsClient } from "../../../src/client/client.js";
import { loadClient } from "../corndogs-build.js";
import { startServer, type ServerProcess } from "../../server-process.js";
import { payloadBytes, type TaskPayload } from "../protocol.js";
import {
  dropSchema,
  freshName,
  vacuumAnalyze,
  withPostgres,
} from "./postgres.js";
import { BenchFailure, type System, type SystemName } from "./system.js";

const QUEUE = "bench";
/** The state of the seeded tasks: the same queue, never claimed here. */
const PARKED_STATE = "parked";
/** Lease of each task, in seconds: long enough never to run out. */
const LEASE_SECONDS = 600n;
/** Most tasks in one SubmitTasks request (the server's limit). */
const SUBMIT_BATCH = 1000;
/** SubmitTasks requests in flight at once. */
const SUBMIT_IN_FLIGHT = 4;
const START_TIMEOUT_MS = 30_000;

export class CorndogsSystem implements System {
  readonly name: SystemName;
  readonly settings =
    "corndogs serve (own process); 2 worker processes with the Worker " +
    "library over gRPC (prefetch 500: claims of up to concurrency + 500 " +
    "tasks, 20 s long polls, batched completions); " +
    `SubmitTasks ×${SUBMIT_BATCH}, ${SUBMIT_IN_FLIGHT} in flight`;
  readonly dbNames;
  readonly pollIntervalMs = 0;
  readonly measuresLatency = true;
  private server: ServerProcess | undefined;
  private client: CorndogsClient | undefined;
  private schema = "";
  private sqliteDir = "";

  constructor(
    private readonly store: "postgres" | "sqlite",
    private readonly postgresUrl: string,
  ) {
    this.name = store === "postgres" ? "corndogs-pg" : "corndogs-sqlite";
    this.dbNames = store === "postgres" ? ["postgres"] : [];
  }

  get serverPid(): number | undefined {
    return this.server?.pid;
  }

  async setup(): Promise<void> {
    let databaseUrl: string;
    if (this.store === "postgres") {
      this.schema = freshName("bench_cd");
      const url = new URL(this.postgresUrl);
      url.searchParams.set("schema", this.schema);
      databaseUrl = url.toString();
    } else {
      this.sqliteDir = mkdtempSync(join(tmpdir(), "corndogs-compare-"));
      databaseUrl = `sqlite:${this.sqliteFile()}`;
    }
    this.server = await startServer(databaseUrl, START_TIMEOUT_MS);
    const { createCorndogsClient } = await loadClient();
    this.client = createCorndogsClient({ baseUrl: this.server.baseUrl });
  }

  private sqliteFile() {
    return join(this.sqliteDir, "corndogs.db");
  }

  private api(): CorndogsClient {
    if (!this.client) throw new Error(`${this.name}: not set up`);
    return this.client;
  }

  consumerSpec() {
    if (!this.server) throw new Error(`${this.name}: not set up`);
    return {
      kind: "corndogs" as const,
      baseUrl: this.server.baseUrl,
      queue: QUEUE,
    };
  }

  async enqueue(payloads: TaskPayload[]): Promise<void> {
    const batches: TaskPayload[][] = [];
    for (let i = 0; i < payloads.length; i += SUBMIT_BATCH) {
      batches.push(payloads.slice(i, i + SUBMIT_BATCH));
    }
    const api = this.api();
    const sender = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        await api.submitTasks({
          tasks: batch.map((payload) => ({
            queue: QUEUE,
            timeout: LEASE_SECONDS,
            payload: payloadBytes(payload),
          })),
        });
      }
    };
    await Promise.all(Array.from({ length: SUBMIT_IN_FLIGHT }, sender));
  }

  async submitOne(payload: TaskPayload): Promise<void> {
    await this.api().submitTask({
      queue: QUEUE,
      timeout: LEASE_SECONDS,
      payload: payloadBytes(payload),
    });
  }

  async seedOthers(count: number): Promise<void> {
    if (this.store === "postgres") {
      const table = `"${this.schema}".tasks`;
      await withPostgres(this.postgresUrl, (client) =>
        client.query(
          `INSERT INTO ${table} (uuid, queue, current_state,
             auto_target_state, submit_time, update_time, timeout, payload)
           SELECT gen_random_uuid(), $1, $2, $2 || '-done',
             "${this.schema}".now_ns(), "${this.schema}".now_ns(), $3,
             convert_to('{"n":-1}', 'UTF8')
           FROM generate_series(1, $4::integer)`,
          [QUEUE, PARKED_STATE, Number(LEASE_SECONDS), count],
        ),
      );
      await vacuumAnalyze(this.postgresUrl, table);
    } else {
      seedSqlite(this.sqliteFile(), count);
    }
  }

  async checkDrained(): Promise<void> {
    const counts = await this.api().getTaskStateCounts({ queue: QUEUE });
    const parked = counts.stateCounts[PARKED_STATE] ?? 0n;
    if (counts.count !== parked) {
      throw new BenchFailure(
        `${this.name}: ${counts.count - parked} tasks still live: ` +
          JSON.stringify(counts.stateCounts, (_, v: unknown) =>
            typeof v === "bigint" ? Number(v) : v,
          ),
      );
    }
  }

  async teardown(): Promise<void> {
    this.client = undefined;
    await this.server?.stop();
    this.server = undefined;
    if (this.schema) await dropSchema(this.postgresUrl, this.schema);
    if (this.sqliteDir)
      rmSync(this.sqliteDir, { recursive: true, force: true });
  }
}

/** Inserts `count` parked tasks into the SQLite file beside the server. */
function seedSqlite(file: string, count: number) {
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 30000");
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    db.prepare(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s
         WHERE i < ?)
       INSERT INTO tasks (uuid, queue, current_state, auto_target_state,
         submit_time, update_time, timeout, payload)
       SELECT printf('00000000-0000-4000-8000-%012x', i), ?, ?, ? || '-done',
         ?, ?, ?, CAST('{"n":-1}' AS BLOB)
       FROM s`,
    ).run(
      count,
      QUEUE,
      PARKED_STATE,
      PARKED_STATE,
      nowNs,
      nowNs,
      LEASE_SECONDS,
    );
    db.exec("ANALYZE");
  } finally {
    db.close();
  }
}
