/**
 * The exactly-once check of one phase: the phase's tasks are numbered
 * `first` to `first + count - 1`; every handled task reported by a worker
 * process is counted. A task handled twice, or a number outside the
 * phase (a seeded task, or one of an earlier phase), fails the phase at
 * once; the phase is done when every task was handled.
 */
import type { HandledReport } from "./children.js";
import { BenchFailure } from "./systems/system.js";

export class PhaseTracker {
  private readonly seen: Uint8Array;
  private handled = 0;
  private lastAt = 0n;
  private readonly latencies: number[] = [];
  private failure: BenchFailure | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly first: number,
    readonly count: number,
  ) {
    this.seen = new Uint8Array(count);
  }

  /** Counts one report from a worker process. */
  add(report: HandledReport): void {
    for (const n of report.ids) {
      const i = n - this.first;
      if (!(i >= 0 && i < this.count)) {
        this.fail(`${this.name}: handled task ${n}, not one of this phase`);
      } else if (this.seen[i] !== 0) {
        this.fail(`${this.name}: task ${n} handled more than once`);
      } else {
        this.seen[i] = 1;
        this.handled++;
      }
    }
    const at = BigInt(report.lastAt);
    if (at > this.lastAt) this.lastAt = at;
    this.latencies.push(...report.latenciesNs);
    for (const wake of this.waiters) wake();
  }

  private fail(message: string) {
    this.failure ??= new BenchFailure(message);
  }

  /** Tasks handled so far. */
  get done(): number {
    return this.handled;
  }

  /** When the last handler ran (hrtime ns). */
  get lastHandledAt(): bigint {
    return this.lastAt;
  }

  /** Handler start minus submit time of each latency try, in ns. */
  get latenciesNs(): readonly number[] {
    return this.latencies;
  }

  /** Throws the first failure seen, if any. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves when `handled` tasks were handled; rejects at a failure, or
   * after `timeoutMs`, or when `failed()` returns an error.
   */
  waitFor(
    handled: number,
    timeoutMs: number,
    failed: () => Error | undefined = () => undefined,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const poll = setInterval(() => check(), 100);
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(
            `${this.name}: ${this.handled} of ${handled} tasks handled ` +
              `after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const error = this.failure ?? failed();
        if (error) {
          finish();
          reject(error);
        } else if (this.handled >= handled) {
          finish();
          resolve();
        }
      };
      this.waiters.add(check);
      check();
    });
  }
}
