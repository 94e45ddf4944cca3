/**
 * The embedded default store: one SQLite file in WAL mode, through
 * better-sqlite3. SQLite runs one writer at a time, so every statement and
 * transaction here is atomic without row locks; several Corndogs processes
 * may share the file, waiting for each other up to `busy_timeout`.
 */
import { randomUUID } from "node:crypto";
import Database, { type Statement } from "better-sqlite3";
import { StoreError } from "../../domain/errors.js";
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
import { expectedMigrations, migrate } from "../migrations.js";
import {
  archivedTask,
  claimedOrder,
  claimedTasks,
  durationBucketCount,
  keyedCount,
  liveCount,
  minuteCount,
  workMaxByQueue,
  workerRow,
  liveTask,
  timedOutTask,
} from "../rows.js";
import { loadSql } from "../sql-files.js";
import { Checkpointer, FALLBACK_CHECKPOINT_PAGES } from "./checkpointer.js";
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
const SQL = loadSql(new URL("./sql/", import.meta.url), [
  "task_insert",
  "task_claim_candidates",
  "task_claim",
  "task_release",
  "task_extend_lease",
  "task_update",
  "task_archive",
  "task_remove",
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
] as const);

type Row = Record<string, unknown>;
type Statements = { [Name in keyof typeof SQL]: Statement };

/** How long a writer waits for another process's lock, in ms. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens `path` in WAL mode. SQLite's own errors ("unable to open database
 * file", "file is not a database") do not say which file: this one does.
 */
function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    return db;
  } catch (err) {
    db?.close();
    // The reason is in the message: no `cause`, whose message pino's
    // error serializer would repeat.
    throw new StoreError(
      `cannot open SQLite database ${JSON.stringify(path)}: ` +
        `${(err as Error).message}`,
    );
  }
}

/** The SQLite store; `path` is a file name or `:memory:`. */
export class SqliteStore implements TaskStore {
  readonly kind = "sqlite";
  private readonly db: Database.Database;
  private statements: Statements | undefined;
  /** Checkpoints the WAL off this thread; none for an in-memory file. */
  private readonly checkpointer: Checkpointer | undefined;

  constructor(path: string) {
    this.db = openDatabase(path);
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.defaultSafeIntegers(true);
    if (!this.db.memory) {
      this.db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
      this.checkpointer = new Checkpointer(path);
    }
  }

  async migrate(): Promise<string[]> {
    const db = this.db;
    db.exec(`CREATE TABLE IF NOT EXISTS migrations (
      name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
    // One IMMEDIATE transaction around the whole run: a second process
    // starting at the same time waits, then finds nothing left to do.
    db.exec("BEGIN IMMEDIATE");
    let applied: string[];
    try {
      applied = await migrate(MIGRATIONS, {
        execute: async (sql) => void db.exec(sql),
        applied: async () =>
          db
            .prepare("SELECT name FROM migrations ORDER BY name")
            .pluck()
            .all() as string[],
        record: async (name) =>
          void db
            .prepare(
              "INSERT INTO migrations (name, applied_at) " +
                "VALUES (?, unixepoch())",
            )
            .run(name),
      });
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    this.statements = undefined;
    return applied;
  }

  /** Statements are prepared after migrating, when the tables exist. */
  private get sql(): Statements {
    this.statements ??= Object.fromEntries(
      Object.entries(SQL).map(([name, text]) => [
        name,
        this.db.prepare(text),
      ]),
    ) as Statements;
    return this.statements;
  }

  async submit(task: NewTask): Promise<Task> {
    return liveTask(this.insert(task));
  }

  private insert(task: NewTask): Row {
    return this.sql.task_insert.get({
      uuid: randomUUID(),
      queue: task.queue,
      current_state: task.currentState,
      auto_target_state: task.autoTargetState,
      timeout: task.timeout,
      priority: task.priority,
      payload: Buffer.from(task.payload),
    }) as Row;
  }

  // Every transaction here writes, so each starts IMMEDIATE: it takes the
  // write lock at BEGIN, where busy_timeout applies, rather than upgrading
  // from a read mid-way, where SQLite fails at once (SQLITE_BUSY) when
  // another process holds the lock.

  async submitAndClaim(
    task: NewTask,
    claim: Claim,
  ): Promise<{ submitted: Task; claimed: Task[] }> {
    // One writer at a time: the claim sees the new task and everything
    // else waiting, and takes the best, whichever that is.
    return this.db.transaction(() => ({
      submitted: liveTask(this.insert(task)),
      claimed: this.claimNow({ ...claim, workerIds: [] }),
    })).immediate();
  }

  async submitMany(tasks: NewTask[]): Promise<Task[]> {
    return this.db.transaction(() =>
      tasks.map((task) => liveTask(this.insert(task))),
    ).immediate();
  }

  async claim(claim: Claim): Promise<Task[]> {
    return this.db.transaction(() => this.claimNow(claim)).immediate();
  }

  /** Claims; call inside a transaction. */
  private claimNow(claim: Claim): Task[] {
    // Each queue's best tasks come from its own walk of the waiting
    // index; the best of them across queues are claimed.
    const candidates = claim.queues.flatMap(
      (queue) =>
        this.sql.task_claim_candidates.all({
          queue,
          current_state: claim.currentState,
          limit: claim.limit,
        }) as Row[],
    );
    const picked = claimedOrder(candidates).slice(0, claim.limit);
    if (picked.length === 0) return [];
    const rows = this.sql.task_claim.all({
      seqs: JSON.stringify(picked.map((row) => String(row.seq))),
      override_current_state: claim.overrideCurrentState,
      override_auto_target_state: claim.overrideAutoTargetState,
      override_timeout: claim.overrideTimeout,
      worker_id: claim.workerId,
      workers: JSON.stringify(
        Object.fromEntries(
          claim.workerIds.map((id, i) => [String(picked[i]?.seq), id]),
        ),
      ),
    }) as Row[];
    return claimedTasks(rows);
  }

  async release(tasks: ReleasedTask[]): Promise<string[]> {
    return this.db.transaction(() =>
      tasks.flatMap((task) => {
        const row = this.sql.task_release.get({
          uuid: task.uuid,
          queue: task.queue,
          claim_token: task.claimToken,
          claimed_from_state: task.fromState,
        }) as Row | undefined;
        return row === undefined ? [] : [String(row.uuid)];
      }),
    ).immediate();
  }

  async extendLease(task: HeldTask, timeout: bigint): Promise<Task> {
    const row = this.sql.task_extend_lease.get({
      uuid: task.uuid,
      queue: task.queue,
      claim_token: task.claimToken,
      timeout,
    }) as Row | undefined;
    if (row === undefined) throw leaseFailure(task, this.find(task.uuid));
    return liveTask(row);
  }

  async update(update: TaskUpdate): Promise<Task> {
    const row = this.sql.task_update.get({
      ...guardParams(update.guard),
      new_state: update.newState,
      auto_target_state: update.autoTargetState,
      timeout: update.timeout ?? -1n,
      priority: update.priority,
      has_payload: update.payload === undefined ? 0 : 1,
      payload: Buffer.from(update.payload ?? []),
      keep_in_flight: update.keepInFlight ? 1 : 0,
    }) as Row | undefined;
    if (row === undefined) {
      throw guardFailure(update.guard, this.find(update.guard.uuid), {
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
    // One transaction for all; a failed guard is an answer for its task,
    // not a reason to undo the others.
    return this.db.transaction(() => {
      const archived = this.archive(
        requests.map((request) => request.guard),
        COMPLETED_STATE,
      );
      return requests.map(({ guard, next }) => {
        const task = archived.get(guard.uuid);
        if (task === undefined) {
          return guardFailure(guard, this.find(guard.uuid));
        }
        const created = next === undefined ? undefined : this.insert(next);
        return { task, next: created && liveTask(created) };
      });
    }).immediate();
  }

  async cancel(guard: TaskGuard): Promise<Task> {
    return this.db.transaction(() => {
      const task = this.archive([guard], CANCELED_STATE).get(guard.uuid);
      if (task === undefined) throw guardFailure(guard, this.find(guard.uuid));
      return task;
    }).immediate();
  }

  /**
   * Moves the tasks whose guards match to the archive; call inside a
   * transaction. Returns the archived tasks by uuid (no uuid twice).
   */
  private archive(guards: TaskGuard[], finalState: string): Map<string, Task> {
    const rows = this.sql.task_archive.all({
      guards: JSON.stringify(
        guards.map((g) => [g.uuid, g.queue, g.currentState, g.claimToken]),
      ),
      final_state: finalState,
    }) as Row[];
    const archived = new Map<string, Task>();
    for (const row of rows) {
      const task = archivedTask(row);
      archived.set(task.uuid, task);
    }
    if (archived.size > 0) {
      this.sql.task_remove.run({ uuids: JSON.stringify([...archived.keys()]) });
    }
    return archived;
  }

  async get(uuid: string): Promise<Task | undefined> {
    return this.find(uuid)?.task;
  }

  private find(uuid: string): FoundTask | undefined {
    const live = this.sql.task_get.get({ uuid }) as Row | undefined;
    if (live !== undefined) return { task: liveTask(live), archived: false };
    const done = this.sql.archived_task_get.get({ uuid }) as Row | undefined;
    if (done !== undefined) return { task: archivedTask(done), archived: true };
    return undefined;
  }

  async expireLeases(
    atTime: bigint,
    queue: string | undefined,
    limit: number,
  ): Promise<TimedOutTask[]> {
    const rows = this.sql.task_expire.all({
      at_time: atTime,
      queue: queue ?? null,
      limit,
    }) as Row[];
    return rows.map(timedOutTask);
  }

  async stateCounts(queue: string | undefined): Promise<StateCount[]> {
    const rows = this.sql.task_count_by_state.all({
      queue: queue ?? null,
    }) as { queue: string; state: string; count: bigint }[];
    return rows;
  }

  async recordStats(delta: StatsDelta): Promise<void> {
    this.db.transaction(() => {
      for (const r of delta.history) {
        this.sql.history_add.run({
          minute: r.minute,
          queue: r.queue,
          state: r.state,
          event: r.event,
          worker_id: r.workerId,
          count: r.count,
          work_sum: r.workSum,
          work_max: r.workMax,
        });
      }
      for (const r of delta.durations) {
        this.sql.work_durations_add.run({
          minute: r.minute,
          queue: r.queue,
          bucket: r.bucket,
          count: r.count,
        });
      }
      for (const r of delta.workers) {
        this.sql.workers_add.run({
          queue: r.queue,
          worker_id: r.workerId,
          first_seen: r.firstSeen,
          last_seen: r.lastSeen,
          claims: r.claims,
          completions: r.completions,
          timeouts: r.timeouts,
        });
      }
    }).immediate();
  }

  async liveCounts(queue: string | undefined): Promise<LiveCount[]> {
    const rows = this.sql.task_live_counts.all({ queue: queue ?? null });
    return (rows as Row[]).map(liveCount);
  }

  async historySeries(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<MinuteCount[]> {
    const params = { since, until, queue: queue ?? null };
    return (this.sql.history_series.all(params) as Row[]).map(minuteCount);
  }

  async timeoutTotals(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<TimeoutTotals> {
    const params = { since, until, queue: queue ?? null };
    const byState = this.sql.timeouts_by_state.all(params) as Row[];
    const byWorker = this.sql.timeouts_by_worker.all(params) as Row[];
    return {
      byState: byState.map((row) => keyedCount(row, "state")),
      byWorker: byWorker.map((row) => keyedCount(row, "worker_id")),
    };
  }

  async workMax(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<Map<string, bigint>> {
    const params = { since, until, queue: queue ?? null };
    return workMaxByQueue(this.sql.work_max.all(params) as Row[]);
  }

  async durationBuckets(
    since: bigint,
    until: bigint,
    queue: string | undefined,
  ): Promise<DurationBucketCount[]> {
    const rows = this.sql.work_durations_window.all({
      since,
      until,
      queue: queue ?? null,
    });
    return (rows as Row[]).map(durationBucketCount);
  }

  async workersSeen(
    since: bigint,
    queue: string | undefined,
  ): Promise<WorkerRow[]> {
    const rows = this.sql.workers_seen.all({ since, queue: queue ?? null });
    return (rows as Row[]).map(workerRow);
  }

  async clock(): Promise<bigint> {
    return (this.sql.clock_now.get() as { now: bigint }).now;
  }

  async acquireLease(
    name: string,
    holder: string,
    ttlMs: number,
  ): Promise<boolean> {
    const row = this.sql.lease_acquire.get({ name, holder, ttl_ms: ttlMs });
    return row !== undefined;
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
    for (const statement of statements) {
      deleted += statement.run({ before, limit }).changes;
    }
    return deleted;
  }

  async schemaStatus(): Promise<SchemaStatus> {
    const applied = Number(
      this.db.prepare("SELECT count(*) FROM migrations").pluck().get(),
    );
    const expected = expectedMigrations(MIGRATIONS);
    // A newer Corndogs may have added migrations (append-only, so still
    // compatible): this instance stays ready during a rolling upgrade.
    return { current: applied >= expected, applied, expected };
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

function guardParams(guard: TaskGuard) {
  return {
    uuid: guard.uuid,
    queue: guard.queue,
    current_state: guard.currentState,
    claim_token: guard.claimToken,
  };
}
