/**
 * Work that one instance at a time does for all: exporting the live-task
 * gauges (so that summing them across instances never double-counts) and
 * pruning archived tasks and statistics past their retention. Instances
 * take turns through a lease row in the database, renewed every
 * interval; if the holder dies another takes over within three.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { LiveCount } from "../domain/stats.js";
import type { PrunableRows, TaskStore } from "../store/store.js";

const LEASE = "maintenance";
const HOUR_NS = 3_600_000_000_000n;

/** Rows deleted per statement, so no prune holds locks for long. */
export const PRUNE_BATCH = 1000;
/** Prune statements per round at most, so a backlog is worked off gently. */
const PRUNE_BATCHES_PER_ROUND = 20;

export interface MaintenanceOptions {
  intervalMs: number;
  archiveRetentionHours: number;
  historyRetentionHours: number;
  /** Called by the lease holder with fresh counts; by others with none. */
  onLiveCounts: (counts: LiveCount[] | undefined, now: bigint) => void;
}

export class Maintenance {
  /** This instance's name in the lease. */
  readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: TaskStore,
    private readonly options: MaintenanceOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.running ??= this.round().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  /** One round: take or renew the lease, then do the work if held. */
  async round(): Promise<void> {
    try {
      const ttl = this.options.intervalMs * 3;
      const leader = await this.store.acquireLease(LEASE, this.holder, ttl);
      const now = await this.store.clock();
      if (!leader) return this.options.onLiveCounts(undefined, now);

      this.options.onLiveCounts(await this.store.liveCounts(undefined), now);
      await this.prune(
        "archived_tasks",
        now,
        this.options.archiveRetentionHours,
      );
      await this.prune("history", now, this.options.historyRetentionHours);
      await this.prune("workers", now, this.options.historyRetentionHours);
    } catch (err) {
      this.log.error({ err }, "maintenance: round failed");
    }
  }

  private async prune(rows: PrunableRows, now: bigint, hours: number) {
    const before = now - BigInt(hours) * HOUR_NS;
    let total = 0;
    for (let i = 0; i < PRUNE_BATCHES_PER_ROUND; i++) {
      const deleted = await this.store.prune(rows, before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    if (total > 0)
      this.log.info({ rows, deleted: total }, "maintenance: pruned");
  }

  /** Stops; a lease held is given up, so another instance takes over. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    try {
      // Renewing for 0 ms leaves it expired: free for the next taker.
      await this.store.acquireLease(LEASE, this.holder, 0);
    } catch (err) {
      this.log.warn({ err }, "maintenance: could not give up the lease");
    }
  }
}
