/**
 * Keeps the lease of a running task alive: extends it well before it
 * runs out (every third of its length by default), guarded by the claim
 * token. A task claimed without a lease needs no heartbeat.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { CorndogsClient } from "../client/client.js";
import type { Task } from "../gen/corndogs/v1alpha1/corndogs_pb.js";

const NS_PER_MS = 1_000_000n;

/** The length of the lease a claim gave `task`, ms (0 without one). */
export function leaseMs(task: Task): number {
  if (task.deadline === 0n) return 0;
  return Number((task.deadline - task.claimTime) / NS_PER_MS);
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * Starts beating for `task`, whose lease has `leaseLeftMs` to run (less
   * than its length when it waited before it started). `onLost` is called
   * once if the lease turns out to be lost (the task timed out and may be
   * someone else's now); `onExtended` after each extension, with when the
   * lease now runs out by the local clock (counted from when the beat was
   * sent, so never later than the server's deadline).
   */
  constructor(
    private readonly client: CorndogsClient,
    private readonly task: Task,
    intervalMs: number | undefined,
    leaseLeftMs: number,
    private readonly onLost: (error: unknown) => void,
    private readonly onExtended: (leaseEndsAtMs: number) => void,
  ) {
    if (task.deadline === 0n) return;
    const lease = leaseMs(task);
    const every = intervalMs ?? Math.max(100, Math.floor(lease / 3));
    const seconds = BigInt(Math.max(1, Math.ceil(lease / 1000)));
    // The first beat comes sooner when part of the lease is already gone.
    const first = Math.max(0, Math.min(every, leaseLeftMs - (lease - every)));
    this.timer = setTimeout(() => {
      void this.beat(seconds);
      if (this.stopped) return;
      this.timer = setInterval(() => void this.beat(seconds), every);
      this.timer.unref();
    }, first);
    this.timer.unref();
  }

  private async beat(seconds: bigint) {
    const sentAt = Date.now();
    try {
      await this.client.extendLease({
        uuid: this.task.uuid,
        queue: this.task.queue,
        claimToken: this.task.claimToken,
        timeout: seconds,
      });
      this.onExtended(sentAt + Number(seconds) * 1000);
    } catch (error) {
      const code = ConnectError.from(error).code;
      // Anything else (the server restarting, say) may pass: try again at
      // the next beat while the lease still runs.
      if (code === Code.FailedPrecondition || code === Code.NotFound) {
        this.stop();
        this.onLost(error);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }
}
