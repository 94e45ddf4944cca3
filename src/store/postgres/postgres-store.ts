/**
 * The scale-out store: PostgreSQL through a `pg` pool, shared by any number
 * of Corndogs processes. Every operation is one statement, or one short
 * transaction on one pooled client; claims and sweeps lock rows with
 * `FOR UPDATE SKIP LOCKED`, so concurrent callers never wait on each other
 * nor take the same task. Times come from the database clock
 * (`<schema>.now_ns()`).
 *
 * Nothing depends on session state: every name is schema-qualified and
 * there is no search_path, so the store works behind PgBouncer in
 * transaction mode. The statements of the task path are prepared per
 * connection (named) unless `prepare` is off, as it must be behind a
 * pooler that cannot carry them. Only the optional LISTEN for long-poll
 * wake-ups needs a session; it uses its own connection, and claims fall
 * back to polling without it.
 */
import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import {
  guardFailure,
  leaseFailure,
  type FoundTask,
} from "../../domain/guard.js";
import {
  CANCELED_STATE,
  COMPLETED_STATE,
  type Claim,
  type CompletionRequest,
  type HeldTask,
  type ReleasedTask,
  type NewTask,
  type StateCount,
  type Task,
  type TaskGuard,
  type TaskUpdate,
  type TimedOutTask,
} from "../../domain/task.js";
import { expectedMigrations, migrate as runMigrations } from "../migrations.js";
import {
  archivedTask,
  claimedTasks,
  durationBucketCount,
  keyedCount,
  liveCount,
  minuteCount,
  liveTask,
  timedOutTask,
  workMaxByQueue,
  workerRow,
} from "../rows.js";
import { loadSql } from "../sql-files.js";
import {
  WaitingNotifications,
  type WaitingListener,
} from "./waiting-listener.js";
import type {
  LiveCount,
  MinuteCount,
  StatsDelta,
  TimeoutTotals,
  WorkerRow,
} from "../../domain/stats.js";
import type {
  Completion,
  DurationBucketCount,
  PrunableRows,
  SchemaStatus,
  TaskStore,
} from "../store.js";

const MIGRATIONS = new URL("./migrations/", import.meta.url);
const SQL_DIR = new URL("./sql/", import.meta.url);
const SQL_NAMES = [
  "task_insert",
  "task_insert_claimed",
  "task_insert_many",
  "task_claim",
  "task_release",
  "task_extend_lease",
  "task_update",
  "task_archive",
  "task_get",
  "task_expire",
  "task_count_by_state",
  "archived_task_get",
  "history_add",
  "work_durations_add",
  "workers_add",
  "task_live_counts",
  "history_series",
  "timeouts_by_state",
  "timeouts_by_worker",
  "work_max",
  "work_durations_window",
  "workers_seen",
  "clock_now",
  "lease_acquire",
  "archived_task_prune",
  "history_prune",
  "work_durations_prune",
  "workers_prune",
  "schema_exists",
  "schema_create",
  "migration_lock",
  "migrations_create",
  "migrations_applied",
  "migration_record",
  "migrations_count",
] as const;

type Row = Record<string, unknown>;
type Queryable = Pick<pg.ClientBase, "query">;

/** The placeholder the SQL files use for the (escaped) schema name. */
const SCHEMA_PLACEHOLDER = "{{schema}}";

/** How long to wait for a connection, and for any statement, in ms. */
const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 30_000;

/** OID of int8 (bigint), parsed to BigInt instead of pg's default string. */
const INT8_OID = 20;

/** Ids are stored as `uuid`; anything else cannot name a task. */
const TASK_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

/** SQLSTATEs of a missing table or schema. */
const UNDEFINED_TABLE = "42P01";
const INVALID_SCHEMA_NAME = "3F000";

export interface PostgresStoreOptions {
  /** A `postgres://` URL (anything `pg` accepts as a connection string). */
  connectionString: string;
  /** The schema holding Corndogs' tables; "corndogs" by default. */
  schema?: string;
  /** Most connections this process opens; 10 by default. */
  poolSize?: number;
  /**
   * Prepare the statements of the task path once per connection (named
   * statements) instead of parsing and planning them on every call; true
   * by default. Switch off behind a pooler that cannot carry named
   * statements (PgBouncer before 1.21, or without max_prepared_statements,
   * in transaction mode).
   */
  prepare?: boolean;
}

/**
 * SQLSTATE of "cached plan must not change result type": a migration run
 * by another (newer) instance added a column under a prepared statement.
 */
const CACHED_PLAN_CHANGED = "0A000";

/** SQLSTATE of a deadlock: PostgreSQL undid one side's statement. */
const DEADLOCK_DETECTED = "40P01";

/** How many times a batch completion that lost a deadlock is run again. */
const DEADLOCK_RETRIES = 3;

/** This pool's type parsers: int8 as BigInt, pg's defaults otherwise. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: (oid, format = "text") =>
    oid === INT8_OID && format === "text"
      ? (value: string) => BigInt(value)
      : pg.types.getTypeParser(oid, format),
};

type SqlName = (typeof SQL_NAMES)[number];

/** The PostgreSQL store. */
export class PostgresStore implements TaskStore {
  readonly kind = "postgres";
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly connectionString: string;
  private readonly sql: Record<SqlName, string>;
  private readonly rewrite: (sql: string) => string;
  private closed = false;
  private readonly prepare: boolean;
  /** Part of every statement name; a new one re-prepares them all. */
  private generation = 0;

  constructor({
    connectionString,
    schema = "corndogs",
    poolSize = 10,
    prepare = true,
  }: PostgresStoreOptions) {
    this.schema = schema;
    this.prepare = prepare;
    this.connectionString = connectionString;
    const escaped = pg.escapeIdentifier(schema);
    // A function replacement, so `$` in a schema name is taken literally.
    this.rewrite = (sql) => sql.replaceAll(SCHEMA_PLACEHOLDER, () => escaped);
    this.sql = loadSql(SQL_DIR, SQL_NAMES, this.rewrite);
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      types: TYPES,
      application_name: "corndogs",
      // A database that stops answering must fail requests, not hang
      // them (and a shutdown) forever.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    // An idle client whose connection dies emits "error" on the pool; with
    // no listener that would crash the process. The pool drops the client
    // and the next query reports the failure, so nothing is lost here.
    this.pool.on("error", () => {});
  }

  /**
   * Runs one of the statements every task passes through: prepared once
   * per connection under its name, or parsed each time when `prepare` is
   * off. A statement whose table changed shape under it (another instance
   * migrated) is prepared afresh under new names, once.
   */
  private async run<R extends pg.QueryResultRow = Row>(
    db: Queryable,
    name: SqlName,
    values: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const text = this.sql[name];
    if (!this.prepare) return db.query<R>(text, values);
    const named = () => ({
      name: `corndogs_${this.generation}_${name}`,
      text,
      values,
    });
    try {
      return await db.query<R>(named());
    } catch (error) {
      if ((error as { code?: string }).code !== CACHED_PLAN_CHANGED)
        throw error;
      this.generation++;
      return db.query<R>(named());
    }
  }

  async migrate(): Promise<string[]> {
    return this.transaction(async (client) => {
      // The lock comes first: CREATE SCHEMA IF NOT EXISTS is not safe
      // against a concurrent creation, and the lock does not need the
      // schema. A process that waited here finds the work done.
      await client.query(this.sql.migration_lock, [
        migrationLockKey(this.schema),
      ]);
      const exists = await client.query(this.sql.schema_exists, [this.schema]);
      if (exists.rowCount === 0) await client.query(this.sql.schema_create);
      await client.query(this.sql.migrations_create);
      return runMigrations(
        MIGRATIONS,
        {
          execute: async (sql) => void (await client.query(sql)),
          applied: async () =>
            (
              await client.query<{ name: string }>(this.sql.migrations_applied)
            ).rows.map((row) => row.name),
          record: async (name) =>
            void (await client.query(this.sql.migration_record, [name])),
        },
        this.rewrite,
      );
    });
  }

  async submit(task: NewTask): Promise<Task> {
    return liveTask(await this.insert(this.pool, task));
  }

  private async insert(db: Queryable, task: NewTask): Promise<Row> {
    const result = await this.run<Row>(db, "task_insert", insertParams(task));
    return one(result.rows);
  }

  async submitAndClaim(
    task: NewTask,
    claim: Claim,
  ): Promise<{ submitted: Task; claimed: Task[] }> {
    const result = await this.run<Row>(this.pool, "task_insert_claimed", [
      ...insertParams(task),
      claim.queues,
      claim.overrideCurrentState,
      claim.overrideAutoTargetState,
      claim.overrideTimeout,
      claim.workerId,
    ]);
    const row = one(result.rows);
    if (!row.in_flight) return { submitted: liveTask(row), claimed: [] };
    const claimed = liveTask(row);
    return { submitted: beforeClaim(claimed, task), claimed: [claimed] };
  }

  async submitMany(tasks: NewTask[]): Promise<Task[]> {
    return (await this.insertMany(this.pool, tasks)).map(liveTask);
  }

  /** Inserts tasks in one statement; returns their rows in input order. */
  private async insertMany(db: Queryable, tasks: NewTask[]): Promise<Row[]> {
    if (tasks.length === 0) return [];
    const uuids = tasks.map(() => randomUUID());
    const result = await this.run<Row>(db, "task_insert_many", [
      uuids,
      tasks.map((t) => t.queue),
      tasks.map((t) => t.currentState),
      tasks.map((t) => t.autoTargetState),
      tasks.map((t) => t.timeout),
      tasks.map((t) => t.priority),
      tasks.map((t) => Buffer.from(t.payload)),
    ]);
    const byUuid = new Map(result.rows.map((row) => [String(row.uuid), row]));
    return uuids.map((uuid) => {
      const row = byUuid.get(uuid);
      if (row === undefined) throw new Error("insert lost a task");
      return row;
    });
  }

  async claim(claim: Claim): Promise<Task[]> {
    const result = await this.run<Row>(this.pool, "task_claim", [
      claim.queues,
      claim.currentState,
      claim.limit,
      claim.overrideCurrentState,
      claim.overrideAutoTargetState,
      claim.overrideTimeout,
      claim.workerId,
      claim.workerIds,
    ]);
    return claimedTasks(result.rows);
  }

  async update(update: TaskUpdate): Promise<Task> {
    const { guard } = update;
    const row = TASK_ID.test(guard.uuid)
      ? (
          await this.run<Row>(this.pool, "task_update", [
            ...guardParams(guard),
            update.newState,
            update.autoTargetState,
            update.timeout ?? -1n,
            update.priority,
            update.payload !== undefined,
            Buffer.from(update.payload ?? []),
            update.keepInFlight,
          ])
        ).rows[0]
      : undefined;
    if (row === undefined) {
      throw guardFailure(guard, await this.find(this.pool, guard.uuid), {
        requireInFlight: update.keepInFlight,
      });
    }
    return liveTask(row);
  }

  async complete(
    guard: TaskGuard,
    next: NewTask | undefined,
  ): Promise<Completion> {
    const [result] = await this.completeMany([{ guard, next }]);
    if (result === undefined || result instanceof Error) throw result;
    return result;
  }

  async completeMany(
    requests: CompletionRequest[],
  ): Promise<(Completion | Error)[]> {
    const run = async (db: Queryable) => {
      const guards = requests.map((request) => request.guard);
      const archived = await this.archiveMany(db, guards, COMPLETED_STATE);
      const done = requests.flatMap((request, i) =>
        archived[i] && request.next ? [{ i, next: request.next }] : [],
      );
      const created = await this.insertMany(
        db,
        done.map((entry) => entry.next),
      );
      const nextOf = new Map(done.map((entry, k) => [entry.i, created[k]]));

      // One at a time: `db` may be a single transaction's client, which
      // runs one query at a time (pg queues the rest, and deprecates it).
      const results: (Completion | Error)[] = [];
      for (const [i, { guard }] of requests.entries()) {
        const row = archived[i];
        if (row === undefined) {
          results.push(guardFailure(guard, await this.find(db, guard.uuid)));
          continue;
        }
        const next = nextOf.get(i);
        results.push({ task: archivedTask(row), next: next && liveTask(next) });
      }
      return results;
    };
    // Without next tasks the archive is one statement, its own transaction.
    return retryDeadlocks(() =>
      requests.some((request) => request.next)
        ? this.transaction(run)
        : run(this.pool),
    );
  }

  async cancel(guard: TaskGuard): Promise<Task> {
    return retryDeadlocks(() => this.archive(this.pool, guard, CANCELED_STATE));
  }

  /** Moves a guarded task to the archive in one statement. */
  private async archive(
    db: Queryable,
    guard: TaskGuard,
    finalState: string,
  ): Promise<Task> {
    const [row] = await this.archiveMany(db, [guard], finalState);
    if (row === undefined) {
      throw guardFailure(guard, await this.find(db, guard.uuid));
    }
    return archivedTask(row);
  }

  /**
   * Archives guarded tasks in one statement; the result holds each
   * guard's archived row, or undefined where the guard did not match
   * (including a repeat of an id already archived by this call).
   */
  private async archiveMany(
    db: Queryable,
    guards: TaskGuard[],
    finalState: string,
  ): Promise<(Row | undefined)[]> {
    const valid = inLockOrder(
      guards.filter((guard) => TASK_ID.test(guard.uuid)),
    );
    if (valid.length === 0) return guards.map(() => undefined);
    const result = await this.run<Row>(db, "task_archive", [
      valid.map((g) => g.uuid),
      valid.map((g) => g.queue),
      valid.map((g) => g.currentState),
      valid.map((g) => g.claimToken),
      finalState,
    ]);
    const byUuid = new Map(result.rows.map((row) => [String(row.uuid), row]));
    return guards.map((guard) => {
      const row = byUuid.get(guard.uuid);
      byUuid.delete(guard.uuid);
      return row;
    });
  }

  async release(tasks: ReleasedTask[]): Promise<string[]> {
    const valid = inLockOrder(tasks.filter((task) => TASK_ID.test(task.uuid)));
    if (valid.length === 0) return [];
    const result = await retryDeadlocks(() =>
      this.run<Row>(this.pool, "task_release", [
        valid.map((t) => t.uuid),
        valid.map((t) => t.queue),
        valid.map((t) => t.claimToken),
        valid.map((t) => t.fromState),
      ]),
    );
    return result.rows.map((row) => String(row.uuid));
  }

  async extendLease(task: HeldTask, timeout: bigint): Promise<Task> {
    const row = TASK_ID.test(task.uuid)
      ? (
          await this.run<Row>(this.pool, "task_extend_lease", [
            task.uuid,
            task.queue,
            task.claimToken,
            timeout,
          ])
        ).rows[0]
      : undefined;
    if (row === undefined) {
      throw leaseFailure(task, await this.find(this.pool, task.uuid));
    }
    return liveTask(row);
  }

  async get(uuid: string): Promise<Task | undefined> {
    return (await this.find(this.pool, uuid))?.task;
  }

  private async find(
    db: Queryable,
    uuid: string,
  ): Promise<FoundTask | undefined> {
    // SQLite stores ids as text and finds only the exact (lower-case) id;
    // `uuid` would reject other text, so such ids are simply not found.
    if (!TASK_ID.test(uuid)) return undefined;
    const live = (await this.run<Row>(db, "task_get", [uuid])).rows[0];
    if (live !== undefined) return { task: liveTask(live), archived: false };
    const done = (await this.run<Row>(db, "archived_task_get", [uuid])).rows[0];
    if (done !== undefined) return { task: archivedTask(done), archived: true };
    return undefined;
  }

  async expireLeases(
    atTime: bigint,
    queue: string | undefined,
    limit: number,
  ): Promise<TimedOutTask[]> {
    const result = await this.run<Row>(this.pool, "task_expire", [
      atTime,
      queue ?? null,
      limit,
    ]);
    return result.rows.map(timedOutTask);
  }

  async listenForWaiting(
    onWaiting: WaitingListener,
  ): Promise<() => Promise<void>> {
    const listener = new WaitingNotifications(
      this.connectionString,
      `${this.schema}.waiting`,
      onWaiting,
    );
    await listener.start();
    return () => listener.close();
  }

  async stateCounts(queue: string | undefined): Promise<StateCount[]> {
    const result = await this.pool.query<StateCount>(
      this.sql.task_count_by_state,
      [queue ?? null],
    );
    return result.rows;
  }

  async recordStats(delta: StatsDelta): Promise<void> {
    // One transaction: a flush that fails is retried whole, so none of it
    // may have been written.
    await this.transaction((client) => this.addStats(client, delta));
  }

  private async addStats(db: Queryable, delta: StatsDelta): Promise<void> {
    // Sorted by key, so instances adding at once lock rows in one order.
    const history = [...delta.history].sort(
      byKey((r) => [r.minute, r.queue, r.event, r.state, r.workerId]),
    );
    const durations = [...delta.durations].sort(
      byKey((r) => [r.minute, r.queue, r.bucket]),
    );
    const workers = [...delta.workers].sort(
      byKey((r) => [r.queue, r.workerId]),
    );
    if (history.length > 0) {
      await this.run(db, "history_add", [
        history.map((r) => r.minute),
        history.map((r) => r.queue),
        history.map((r) => r.state),
        history.map((r) => r.event),
        history.map((r) => r.workerId),
        history.map((r) => r.count),
        history.map((r) => r.workSum),
        history.map((r) => r.workMax),
      ]);
    }
    if (durations.length > 0) {
      await this.run(db, "work_durations_add", [
        durations.map((r) => r.minute),
        durations.map((r) => r.queue),
        durations.map((r) => r.bucket),
        durations.map((r) => r.count),
      ]);
    }
    if (workers.length > 0) {
      await this.run(db, "workers_add", [
        workers.map((r) => r.queue),
        workers.map((r) => r.workerId),
        workers.map((r) => r.firstSeen),
        workers.map((r) => r.lastSeen),
        workers.map((r) => r.claims),
        workers.map((r) => r.completions),
        workers.map((r) => r.timeouts),
      ]);
    }
  }

  async liveCounts(queue: string | undefined): Promise<LiveCount[]> {
    const result = await this.pool.query<Row>(this.sql.task_live_counts, [
      queue ?? null,
    ]);
    return result.rows.map(liveCount);
  }

  async historySeries(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<MinuteCount[]> {
    const params = [since, until, queue ?? null];
    const result = await this.pool.query<Row>(this.sql.history_series, params);
    return result.rows.map(minuteCount);
  }

  async timeoutTotals(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<TimeoutTotals> {
    const params = [since, until, queue ?? null];
    const [byState, byWorker] = await Promise.all([
      this.pool.query<Row>(this.sql.timeouts_by_state, params),
      this.pool.query<Row>(this.sql.timeouts_by_worker, params),
    ]);
    return {
      byState: byState.rows.map((row) => keyedCount(row, "state")),
      byWorker: byWorker.rows.map((row) => keyedCount(row, "worker_id")),
    };
  }

  async workMax(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<Map<string, bigint>> {
    const params = [since, until, queue ?? null];
    const result = await this.pool.query<Row>(this.sql.work_max, params);
    return workMaxByQueue(result.rows);
  }

  async durationBuckets(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<DurationBucketCount[]> {
    const result = await this.pool.query<Row>(this.sql.work_durations_window, [
      since,
      until,
      queue ?? null,
    ]);
    return result.rows.map(durationBucketCount);
  }

  async workersSeen(
    since: bigint,
    queue: string | undefined,
  ): Promise<WorkerRow[]> {
    const result = await this.pool.query<Row>(this.sql.workers_seen, [
      since,
      queue ?? null,
    ]);
    return result.rows.map(workerRow);
  }

  async clock(): Promise<bigint> {
    const result = await this.pool.query<{ now: bigint }>(this.sql.clock_now);
    return one(result.rows).now as bigint;
  }

  async acquireLease(
    name: string,
    holder: string,
    ttlMs: number,
  ): Promise<boolean> {
    const result = await this.pool.query(this.sql.lease_acquire, [
      name,
      holder,
      ttlMs,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async prune(
    rows: PrunableRows,
    before: bigint,
    limit: number,
  ): Promise<number> {
    const statements = {
      archived_tasks: [this.sql.archived_task_prune],
      history: [this.sql.history_prune, this.sql.work_durations_prune],
      workers: [this.sql.workers_prune],
    }[rows];
    let deleted = 0;
    for (const sql of statements) {
      deleted += (await this.pool.query(sql, [before, limit])).rowCount ?? 0;
    }
    return deleted;
  }

  async schemaStatus(): Promise<SchemaStatus> {
    const expected = expectedMigrations(MIGRATIONS);
    let applied: number;
    try {
      const result = await this.pool.query<{ count: bigint }>(
        this.sql.migrations_count,
      );
      applied = Number(result.rows[0]?.count ?? 0n);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === UNDEFINED_TABLE || code === INVALID_SCHEMA_NAME) {
        return { current: false, applied: 0, expected };
      }
      throw error;
    }
    // A newer Corndogs may have added migrations (append-only, so still
    // compatible): this instance stays ready during a rolling upgrade.
    return { current: applied >= expected, applied, expected };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /**
   * Runs `work` in one transaction on one pooled client: COMMIT when it
   * returns, ROLLBACK when anything throws. A client whose ROLLBACK fails
   * is destroyed rather than returned to the pool.
   */
  private async transaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a connection that dies
    // mid-transaction (a restart, a failover, PgBouncer going away) would
    // emit an unhandled "error" and end the process. The query in progress
    // fails with the cause anyway; the client is dropped, not reused.
    const onError = (error: Error) => (broken ??= error);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken =
          rollbackError instanceof Error
            ? rollbackError
            : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
}

/**
 * Tasks sorted by uuid, the order in which every multi-task statement is
 * given them: two statements over the same tasks (batch completions, a
 * completion and a release) then tend to lock them in the same order
 * instead of deadlocking. The plan decides the order in the end, so
 * those statements also run under retryDeadlocks.
 */
function inLockOrder<T extends { uuid: string }>(tasks: T[]): T[] {
  return [...tasks].sort((a, b) =>
    a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0,
  );
}

/**
 * Runs `once` again when PostgreSQL undid it to break a deadlock (it
 * rolled back entirely, so running it again is safe), a few times.
 */
async function retryDeadlocks<T>(once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== DEADLOCK_DETECTED || attempt > DEADLOCK_RETRIES) {
        throw error;
      }
    }
  }
}

/** The guard's values, as the first four parameters of guarded statements. */
function guardParams(guard: TaskGuard): string[] {
  return [guard.uuid, guard.queue, guard.currentState, guard.claimToken];
}

/**
 * The advisory-lock key for migrating `schema`: the first 8 bytes of a
 * SHA-256, so every Corndogs version computes the same key for one schema.
 */
function migrationLockKey(schema: string): string {
  return createHash("sha256")
    .update(`corndogs:migrate:${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/** A comparator over the keys `key` picks, compared in order. */
function byKey<T>(key: (row: T) => (string | number | bigint)[]) {
  return (a: T, b: T): number => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  };
}

function one(rows: Row[]): Row {
  const row = rows[0];
  if (row === undefined) throw new Error("statement returned no row");
  return row;
}

/** The parameters task_insert and task_insert_claimed begin with. */
function insertParams(task: NewTask) {
  return [
    randomUUID(),
    task.queue,
    task.currentState,
    task.autoTargetState,
    task.timeout,
    task.priority,
    Buffer.from(task.payload),
  ];
}

/** A task created claimed, as it was created: waiting, never claimed. */
function beforeClaim(claimed: Task, created: NewTask): Task {
  return {
    ...claimed,
    currentState: created.currentState,
    autoTargetState: created.autoTargetState,
    updateTime: claimed.submitTime,
    inFlight: false,
    deadline: 0n,
    claimToken: "",
    workerId: "",
    claimCount: 0n,
    claimTime: 0n,
  };
}
