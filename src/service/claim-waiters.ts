/**
 * Long-poll claims waiting for work, by queue and state. A wake-up (a
 * task became waiting) wakes at most as many waiters as tasks arrived,
 * never all of them. Wake-ups are a shortcut only: every waiter also
 * re-checks on its own after a poll interval, so a lost wake-up costs
 * latency, never a task.
 */

/** A registration of one claim waiting on some queues in one state. */
export interface WaitTicket {
  /**
   * Resolves when woken, after `ms`, or when `signal` aborts; at once if
   * a wake-up came since the ticket was taken.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Unregisters; call when the claim is done. */
  leave(): void;
}

interface Waiter {
  woken: boolean;
  resolve: (() => void) | undefined;
}

function key(queue: string, state: string) {
  return `${state}\n${queue}`;
}

export class ClaimWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();

  /** How many claims are waiting, for metrics and tests. */
  get size(): number {
    let total = 0;
    for (const set of this.waiting.values()) total += set.size;
    return total;
  }

  /**
   * Registers a claim before it looks for tasks, so that a task arriving
   * while it looks still wakes it.
   */
  enter(queues: string[], state: string): WaitTicket {
    const waiter: Waiter = { woken: false, resolve: undefined };
    const keys = queues.map((queue) => key(queue, state));
    for (const k of keys) {
      let set = this.waiting.get(k);
      if (set === undefined) this.waiting.set(k, (set = new Set()));
      set.add(waiter);
    }
    const leave = () => {
      for (const k of keys) {
        const set = this.waiting.get(k);
        set?.delete(waiter);
        if (set?.size === 0) this.waiting.delete(k);
      }
    };
    return { wait: (ms, signal) => this.sleep(waiter, ms, signal), leave };
  }

  private sleep(waiter: Waiter, ms: number, signal?: AbortSignal) {
    return new Promise<void>((resolve) => {
      if (waiter.woken || signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        waiter.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      waiter.resolve = done;
    });
  }

  /** Wakes at most `count` claims waiting on `queue` in `state`. */
  wake(queue: string, state: string, count = 1): void {
    const set = this.waiting.get(key(queue, state));
    if (set === undefined) return;
    let left = count;
    for (const waiter of set) {
      if (left <= 0) break;
      if (waiter.woken) continue;
      waiter.woken = true;
      waiter.resolve?.();
      left--;
    }
  }
}
