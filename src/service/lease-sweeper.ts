/**
 * The lease sweeper: every instance runs one. It sends expired leases back
 * to waiting at a fixed interval. Instances need no coordination: the
 * stores' sweep statement skips rows another instance is handling and
 * re-checks each lease in its own WHERE.
 */
import type { Logger } from "pino";
import type { TaskService } from "./task-service.js";

export class LeaseSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly service: TaskService,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Starts sweeping every `intervalMs`. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Runs one sweep now; failures are logged, not thrown. */
  async sweep(): Promise<void> {
    try {
      const count = await this.service.expireLeases(0n, "");
      if (count > 0)
        this.log.info({ timed_out: count }, "sweeper: leases expired");
    } catch (err) {
      this.log.error({ err }, "sweeper: sweep failed");
    }
  }

  /** Stops the loop and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
