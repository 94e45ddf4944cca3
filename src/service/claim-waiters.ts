/**
 * Long-poll claims waiting for work, by queue and state. A wake-up (a
 * task became waiting) wakes at most as many waiters as tasks arrived,
 * never all of them. Wake-ups are a shortcut only: every waiter also
 * re-checks on its own after a poll interval, so a lost wake-up costs
 * latency, never a task.
 *
 * A task submitted here can also be handed to a waiting claim directly:
 * the submit reserves a waiter, creates the task claimed for it, and
 * hands it over, saving the claim's own look (see TaskService.submit).
 */
import type { Claim, Task } from "../domain/task.js";

/** A registration of one claim waiting on some queues in one state. */
export interface WaitTicket {
  /**
   * Resolves when woken, after `ms`, or when `signal` aborts; at once if
   * a wake-up came since the ticket was taken. Resolves with the tasks
   * handed to this claim, if any were.
   */
  wait(ms: number, signal?: AbortSignal): Promise<Task[] | undefined>;
  /** Unregisters; call when the claim is done. */
  leave(): void;
}

/** A claim waiting to be woken or handed tasks. */
export interface Waiter {
  readonly claim: Claim | undefined;
  woken: boolean;
  /** A submit is creating a task for this waiter: do not wake it. */
  reserved: boolean;
  resolve: ((tasks?: Task[]) => void) | undefined;
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
   * while it looks still wakes it. With `claim`, tasks may be handed to it.
   */
  enter(queues: string[], state: string, claim?: Claim): WaitTicket {
    const waiter: Waiter = {
      claim,
      woken: false,
      reserved: false,
      resolve: undefined,
    };
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
    return new Promise<Task[] | undefined>((resolve) => {
      if (waiter.woken || signal?.aborted) return resolve(undefined);
      const done = (tasks?: Task[]) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        waiter.resolve = undefined;
        resolve(tasks);
      };
      const onAbort = () => done();
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
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
      if (waiter.woken || waiter.reserved) continue;
      waiter.woken = true;
      waiter.resolve?.();
      left--;
    }
  }

  /**
   * Reserves a claim that is asleep on `queue` in `state` and takes
   * handed tasks, so that a submit can create its task claimed for it.
   * Follow with `handOff` or `unreserve`.
   */
  reserve(queue: string, state: string): Waiter | undefined {
    const set = this.waiting.get(key(queue, state));
    if (set === undefined) return undefined;
    for (const waiter of set) {
      if (waiter.woken || waiter.reserved) continue;
      if (waiter.claim === undefined || waiter.resolve === undefined) continue;
      waiter.reserved = true;
      return waiter;
    }
    return undefined;
  }

  /**
   * Gives tasks claimed for a reserved waiter to it. False when it no
   * longer waits (its wait ended, or its caller left): the tasks are then
   * the caller's to hand back.
   */
  handOff(waiter: Waiter, tasks: Task[]): boolean {
    waiter.reserved = false;
    if (waiter.resolve === undefined) return false;
    waiter.woken = true;
    waiter.resolve(tasks);
    return true;
  }

  /** Ends a reservation that handed nothing. */
  unreserve(waiter: Waiter): void {
    waiter.reserved = false;
  }
}
