/**
 * A worker: claims tasks in batches with long polls, runs a handler on
 * each with bounded concurrency, keeps long tasks' leases alive, and
 * completes them (optionally creating the next task) in batches.
 *
 * ```ts
 * const worker = new Worker({
 *   client: createCorndogsClient({ baseUrl: "http://localhost:5080" }),
 *   queues: ["images"],
 *   concurrency: 20,
 *   handler: async (task) => {
 *     await resize(task.payload);
 *     return { nextTask: { currentState: "thumbnail" } };
 *   },
 *   onError: (err, task) => console.error(task?.uuid, err),
 * });
 * await worker.run(); // until SIGTERM/SIGINT or worker.stop()
 * ```
 *
 * Claims run ahead of the handlers: up to `prefetch` claimed tasks wait
 * in the worker for a free handler, so a handler that finishes finds the
 * next task at hand and one claim request carries many tasks. A waiting
 * task holds its lease; one whose lease ran mostly out while it waited
 * is handed back instead of run.
 *
 * A handler that throws reports through `onError`; its task is held for a
 * growing delay (1 s, 2 s, 4 s … 30 s, within the lease), then goes back
 * to waiting in the state it was claimed from (its `claimCount` tells the
 * next handler how many attempts there were). On stop, the
 * worker stops claiming, hands back the tasks waiting for a handler, lets
 * running handlers finish for up to `shutdownGraceMs`, and hands back the
 * tasks still running.
 *
 * A completion or hand-back that fails because the server cannot be
 * reached is retried (100 ms, doubling to 5 s) while the task's lease
 * lasts, for a task without a lease until it succeeds, and once stopping
 * no later than the end of the grace period.
 */
import { setMaxListeners } from "node:events";
import { hostname } from "node:os";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CorndogsClient } from "../client/client.js";
import type {
  SubmitTaskRequestSchema,
  Task,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import { CompletionBatcher } from "./completion-batcher.js";
import { Heartbeat, leaseMs } from "./heartbeat.js";
import { retryTransient } from "./retry.js";

/** What a handler may ask for when it is done with a task. */
export interface HandlerResult {
  /** Create this task in the same step as the completion. */
  nextTask?: MessageInitShape<typeof SubmitTaskRequestSchema>;
}

/** What a handler gets besides the task. */
export interface HandlerContext {
  /** Aborts when the worker gives the task back (lease lost or stop). */
  signal: AbortSignal;
}

export type Handler = (
  task: Task,
  context: HandlerContext,
) => Promise<HandlerResult | void>;

export interface WorkerOptions {
  client: CorndogsClient;
  /** Queues to claim from, best task across all of them first. */
  queues: string[];
  /** The state to claim from; default `submitted`. */
  state?: string;
  handler: Handler;
  /** Handlers running at once; default 10. */
  concurrency?: number;
  /**
   * Claimed tasks held ready for the next free handler, beyond the
   * running ones; default `concurrency`. More makes each claim and
   * completion request carry more tasks (faster for short tasks), but
   * each waiting task holds its lease and is out of reach of other
   * workers. 0 claims only for free handlers.
   */
  prefetch?: number;
  /** Most tasks claimed or completed per request; default 1000. */
  batchSize?: number;
  /** How long one claim request waits for work, ms; default 20 000. */
  waitMs?: number;
  /** Recorded on each claim; default `<hostname>-<pid>`. */
  workerId?: string;
  /** How often a running task's lease is extended; default: a third of it. */
  heartbeatMs?: number;
  /** How long running handlers may finish on stop, ms; default 10 000. */
  shutdownGraceMs?: number;
  /** Stop on SIGTERM and SIGINT; default true. */
  handleSignals?: boolean;
  /** Told about handler errors and failed calls; default: console.error. */
  onError?: (error: unknown, task?: Task) => void;
  /**
   * How long a task whose handler threw stays held before it goes back
   * to waiting, by attempt (`task.claimCount`); default 1 s, doubling up
   * to 30 s. Capped by the lease: a task is handed back before it would
   * time out.
   */
  retryDelayMs?: (attempt: number) => number;
}

const DEFAULTS = {
  state: "submitted",
  concurrency: 10,
  waitMs: 20_000,
  shutdownGraceMs: 10_000,
  handleSignals: true,
  retryDelayMs: (attempt: number) =>
    Math.min(30_000, 1000 * 2 ** (attempt - 1)),
};

/**
 * Hand a task back this long before its lease would run out (a failed
 * one after its retry delay, a ready one no handler started): at most a
 * second, at most a quarter of the lease.
 */
const LEASE_MARGIN_MS = 1000;

/** How often ready tasks are checked for leases about to run out, ms. */
const READY_CHECK_MS = 200;

/** How long a stopping worker waits for EndWaits to end its claim, ms. */
const END_WAIT_FALLBACK_MS = 2000;

/** Longest long poll the server accepts, ms. */
const MAX_WAIT_MS = 60_000;

/** Most tasks one claim or completion request may carry. */
const MAX_BATCH = 1000;

/**
 * Longest a completion, release or hand-back call may take, ms: a server
 * that stopped answering (frozen, or cut off without a reset) must fail
 * the call, so that it is retried and a stop is not held up forever.
 */
const CALL_TIMEOUT_MS = 10_000;

/** What a call made once the grace period is over may take, ms. */
const LAST_CALL_TIMEOUT_MS = 1000;

/** Pause after a failed claim request, so an outage is not a busy loop. */
const RETRY_DELAY_MS = 1000;

export class Worker {
  private readonly options: Required<
    Omit<WorkerOptions, "heartbeatMs" | "batchSize" | "prefetch">
  > &
    Pick<WorkerOptions, "heartbeatMs">;
  /** Most tasks held at once: running plus waiting for a handler. */
  private readonly capacity: number;
  /** Claim again once no more than this many tasks wait for a handler. */
  private readonly refillBelow: number;
  private readonly batchSize: number;
  /** Claimed tasks waiting for a free handler, oldest first. */
  private readonly ready: Task[] = [];
  private readonly completions: CompletionBatcher;
  private readonly running = new Map<
    string,
    { task: Task; controller: LazyAbort; heartbeat: Heartbeat }
  >();
  private readonly stopping = new AbortController();
  /**
   * When the lease of each held task runs out, by the local clock (ms):
   * set by the claim, moved on by each heartbeat.
   */
  private readonly leaseEnds = new Map<string, number>();
  /** Completions and hand-backs on their way to the server. */
  private readonly settling = new Set<Promise<void>>();
  /** When a stopping worker gives up on its calls (local clock). */
  private graceEnds = Infinity;
  private idle: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.options = {
      ...DEFAULTS,
      workerId: `${hostname()}-${process.pid}`,
      onError: (error, task) =>
        console.error(`corndogs worker: task ${task?.uuid ?? "-"}:`, error),
      ...options,
    };
    // A hook that throws must not turn into an unhandled rejection that
    // ends the process and strands every task the worker holds.
    const onError = this.options.onError;
    this.options.onError = (error, task) => {
      try {
        onError(error, task);
      } catch (hookError) {
        console.error("corndogs worker: onError threw:", hookError);
      }
    };
    const { concurrency } = this.options;
    const prefetch = options.prefetch ?? concurrency;
    this.batchSize = options.batchSize ?? MAX_BATCH;
    wholeNumber("concurrency", concurrency, 1);
    wholeNumber("prefetch", prefetch, 0);
    wholeNumber("batchSize", this.batchSize, 1, MAX_BATCH);
    wholeNumber("waitMs", this.options.waitMs, 0, MAX_WAIT_MS);
    if (options.heartbeatMs !== undefined) {
      wholeNumber("heartbeatMs", options.heartbeatMs, 100);
    }
    if (this.options.queues.length === 0) {
      throw new RangeError("queues must name at least one queue");
    }
    // Each task held for a retry delay listens to the stop signal.
    setMaxListeners(0, this.stopping.signal);
    this.capacity = concurrency + prefetch;
    this.refillBelow = Math.floor(prefetch / 2);
    this.completions = new CompletionBatcher(
      this.options.client,
      this.batchSize,
      () => this.callOptions(),
    );
  }

  /** How many handlers are running now. */
  get active(): number {
    return this.running.size;
  }

  /** How many claimed tasks wait for a free handler. */
  get waiting(): number {
    return this.ready.length;
  }

  /** Claims and handles tasks until stopped; resolves once drained. */
  async run(): Promise<void> {
    const onSignal = () => this.stop();
    if (this.options.handleSignals) {
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    }
    const readyCheck = setInterval(
      () => this.handBackExpiring(),
      READY_CHECK_MS,
    );
    readyCheck.unref();
    try {
      while (!this.stopping.signal.aborted) {
        await this.roomToClaim();
        if (this.stopping.signal.aborted) break;
        await this.claimAndStart();
      }
      await this.drain();
    } finally {
      clearInterval(readyCheck);
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  }

  /** Stops claiming; `run()` resolves once running tasks are done. */
  stop(): void {
    // The grace counts from the stop, ending a waiting claim included.
    if (this.graceEnds === Infinity) {
      this.graceEnds = Date.now() + this.options.shutdownGraceMs;
    }
    this.stopping.abort();
    this.idle?.();
  }

  /** Tasks claimed and not yet settled: running or ready. */
  private get held(): number {
    return this.running.size + this.ready.length;
  }

  private hasRoom(): boolean {
    return this.held < this.capacity && this.ready.length <= this.refillBelow;
  }

  private async roomToClaim(): Promise<void> {
    if (!this.hasRoom()) {
      await new Promise<void>((resolve) => (this.idle = resolve));
    }
    // Handlers finishing together free their room in the same turn of
    // the event loop: let them, so one claim fetches for all of them.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async claimAndStart() {
    const limit = Math.min(this.capacity - this.held, this.batchSize);
    let tasks: Task[];
    // A signal of its own per call: the client links a listener to it,
    // which must not pile up on the worker's long-lived stop signal.
    const call = new AbortController();
    const abort = () => this.endWait(call);
    this.stopping.signal.addEventListener("abort", abort, { once: true });
    try {
      ({ tasks } = await this.options.client.getNextTasks(
        {
          queues: this.options.queues,
          currentState: this.options.state,
          workerId: this.options.workerId,
          limit,
          waitMs: BigInt(this.options.waitMs),
        },
        { signal: call.signal },
      ));
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.options.onError(error);
      await delay(RETRY_DELAY_MS, this.stopping.signal);
      return;
    } finally {
      this.stopping.signal.removeEventListener("abort", abort);
    }
    const now = Date.now();
    for (const task of tasks) {
      this.leaseEnds.set(task.uuid, now + leaseMs(task));
      this.ready.push(task);
    }
    this.startReady();
  }

  /**
   * Ends the waiting claim `call` on stop. Cancelling it could lose an
   * answer already on its way (tasks claimed for nobody, until their
   * lease runs out), so the server is asked to end it (EndWaits) and the
   * answer is taken as usual: drain() hands back what it brings. The
   * call is cancelled only if that fails or takes too long (a server
   * without EndWaits, or a balancer that sent the request elsewhere).
   */
  private endWait(call: AbortController) {
    const cancel = () => call.abort();
    // Within the grace period, which counts from the stop.
    const waitMs = Math.max(
      0,
      Math.min(END_WAIT_FALLBACK_MS, this.graceEnds - Date.now()),
    );
    const fallback = setTimeout(cancel, waitMs);
    fallback.unref();
    call.signal.addEventListener("abort", () => clearTimeout(fallback));
    this.options.client
      .endWaits(
        { workerId: this.options.workerId },
        { timeoutMs: Math.max(1, waitMs) },
      )
      .catch(cancel);
  }

  /** Starts ready tasks on free handlers (none once stopping). */
  private startReady() {
    while (
      !this.stopping.signal.aborted &&
      this.running.size < this.options.concurrency
    ) {
      const task = this.ready.shift();
      if (task === undefined) return;
      if (this.expiring(task)) {
        // It waited here for most of its lease: someone else may take it.
        this.release([task]);
        continue;
      }
      void this.handle(task);
    }
  }

  /** Hands back ready tasks whose lease is about to run out. */
  private handBackExpiring() {
    if (!this.ready.some((task) => this.expiring(task))) return;
    const keep: Task[] = [];
    const expiring: Task[] = [];
    for (const task of this.ready.splice(0)) {
      (this.expiring(task) ? expiring : keep).push(task);
    }
    this.ready.push(...keep);
    this.release(expiring);
  }

  /** Whether a task's lease is within its margin of running out. */
  private expiring(task: Task): boolean {
    return this.leaseLeftMs(task) < this.leaseMarginMs(task);
  }

  /** How long before its lease runs out a task is handed back, ms. */
  private leaseMarginMs(task: Task): number {
    if (task.deadline === 0n) return 0;
    return Math.min(LEASE_MARGIN_MS, leaseMs(task) / 4);
  }

  /** Lease left on a task by the local clock, ms; Infinity without one. */
  private leaseLeftMs(task: Task): number {
    if (task.deadline === 0n) return Infinity;
    return (
      (this.leaseEnds.get(task.uuid) ?? Date.now() + leaseMs(task)) - Date.now()
    );
  }

  /** Wakes the claim loop when there is room for another claim. */
  private roomFreed() {
    if (this.idle && this.hasRoom()) {
      this.idle();
      this.idle = undefined;
    }
  }

  /** Keeps a settling promise for drain(); forgets the task after it. */
  private track(settled: Promise<void>, ...tasks: Task[]) {
    this.settling.add(settled);
    void settled.finally(() => {
      this.settling.delete(settled);
      for (const task of tasks) this.leaseEnds.delete(task.uuid);
      this.roomFreed();
    });
  }

  /**
   * Gives back tasks no handler started, as if never claimed (their claim
   * does not count as an attempt), in batches.
   */
  private release(tasks: Task[]) {
    for (let i = 0; i < tasks.length; i += this.batchSize) {
      const batch = tasks.slice(i, i + this.batchSize);
      this.track(this.releaseBatch(batch), ...batch);
    }
  }

  private async releaseBatch(tasks: Task[]) {
    try {
      await this.retrying(tasks, () =>
        this.options.client.releaseTasks(
          {
            tasks: tasks.map((task) => ({
              uuid: task.uuid,
              queue: task.queue,
              claimToken: task.claimToken,
              fromState: this.options.state,
            })),
          },
          this.callOptions(),
        ),
      );
    } catch (error) {
      this.options.onError(error);
      // A server without ReleaseTasks: hand them back the old way. Any
      // other failure was retried already; a hand-back would only double
      // the calls (and count an attempt), and the lease brings them back.
      if (ConnectError.from(error).code === Code.Unimplemented) {
        await Promise.all(tasks.map((task) => this.handBack(task)));
      }
    }
  }

  private async handle(task: Task) {
    const controller = new LazyAbort();
    const heartbeat = new Heartbeat(
      this.options.client,
      task,
      this.options.heartbeatMs,
      this.leaseLeftMs(task),
      (error) => {
        this.options.onError(error, task);
        controller.abort(); // the lease is lost: stop working on it
      },
      (endsAt) => {
        if (this.leaseEnds.has(task.uuid))
          this.leaseEnds.set(task.uuid, endsAt);
      },
    );
    this.running.set(task.uuid, { task, controller, heartbeat });
    let outcome: { result: HandlerResult | void } | { error: unknown };
    try {
      outcome = {
        result: await this.options.handler(task, controller.context),
      };
    } catch (error) {
      outcome = { error };
    } finally {
      // The slot is free as soon as the handler is done: the next claim
      // need not wait for this completion's round trip.
      heartbeat.stop();
      this.running.delete(task.uuid);
      this.startReady();
      this.roomFreed();
    }
    if (controller.aborted) {
      this.leaseEnds.delete(task.uuid);
      return;
    }
    this.track(this.settle(task, outcome), task);
  }

  /** Completes a handled task, or hands back one whose handler threw. */
  private async settle(
    task: Task,
    outcome: { result: HandlerResult | void } | { error: unknown },
  ) {
    if ("error" in outcome) {
      this.options.onError(outcome.error, task);
      await delay(this.retryDelay(task), this.stopping.signal);
      return this.handBack(task);
    }
    try {
      await this.complete(task, outcome.result);
    } catch (error) {
      this.options.onError(error, task);
    }
  }

  private async complete(task: Task, result: HandlerResult | void) {
    let retried = false;
    const answer = await this.retrying([task], (attempt) => {
      retried = attempt > 1;
      return this.completions.complete({
        uuid: task.uuid,
        queue: task.queue,
        currentState: task.currentState,
        claimToken: task.claimToken,
        nextTask: result?.nextTask,
      });
    });
    if (answer.errorCode === "") return;
    if (retried && (await this.completedByThisClaim(task))) return;
    throw new Error(`${answer.errorCode}: ${answer.errorMessage}`);
  }

  /**
   * Whether an earlier try of a retried completion went through (the
   * server completed the task, but its answer was lost): the task is
   * archived as completed, claimed no more times than by this claim.
   */
  private async completedByThisClaim(task: Task): Promise<boolean> {
    try {
      const { task: now } = await this.options.client.getTaskStateByID({
        uuid: task.uuid,
        queue: task.queue,
      });
      return (
        now?.currentState === "completed" && now.claimCount === task.claimCount
      );
    } catch {
      return false;
    }
  }

  /**
   * Runs a call that settles `tasks`, retrying it while the server cannot
   * be reached and some task's lease still has time left (or it has none),
   * but never past the end of the grace period of a stopping worker. The
   * first retried failure is reported.
   */
  private retrying<T>(
    tasks: Task[],
    call: (attempt: number) => Promise<T>,
  ): Promise<T> {
    let reported = false;
    return retryTransient(
      call,
      (pauseMs) =>
        Date.now() + pauseMs < this.graceEnds &&
        tasks.some((task) => this.leaseLeftMs(task) > pauseMs),
      (error) => {
        if (reported) return;
        reported = true;
        this.options.onError(error, tasks.length === 1 ? tasks[0] : undefined);
      },
    );
  }

  /**
   * The deadline of a settling call: CALL_TIMEOUT_MS, and once stopping
   * no later than the end of the grace period (LAST_CALL_TIMEOUT_MS for
   * the calls made after it).
   */
  private callOptions(): { timeoutMs: number } {
    const left = this.graceEnds - Date.now();
    return {
      timeoutMs: Math.min(
        CALL_TIMEOUT_MS,
        Math.max(LAST_CALL_TIMEOUT_MS, left),
      ),
    };
  }

  /** How long to hold a failed task before handing it back, in ms. */
  private retryDelay(task: Task): number {
    const wanted = this.options.retryDelayMs(Number(task.claimCount));
    return Math.max(
      0,
      Math.min(wanted, this.leaseLeftMs(task) - this.leaseMarginMs(task)),
    );
  }

  /** Puts a task back to waiting in the state it was claimed from. */
  private async handBack(task: Task) {
    try {
      await this.retrying([task], () =>
        this.options.client.updateTask(
          {
            uuid: task.uuid,
            queue: task.queue,
            currentState: task.currentState,
            claimToken: task.claimToken,
            newState: task.autoTargetState,
            autoTargetState: task.currentState,
            timeout: task.timeout,
            priority: task.priority,
          },
          this.callOptions(),
        ),
      );
    } catch (error) {
      this.options.onError(error, task);
    }
  }

  /**
   * Hands back the tasks no handler started, waits for running handlers,
   * then hands back the ones still running.
   */
  private async drain() {
    // Only stop() ends the claim loop, and it set graceEnds.
    this.release(this.ready.splice(0));
    while (this.running.size > 0 && Date.now() < this.graceEnds) {
      await delay(20);
    }
    // Calls still on their way when the grace is over are left to finish
    // (or time out) by themselves: stop() must not wait on a server that
    // stopped answering.
    const settled = Promise.all(this.settling).then(() =>
      this.completions.flush(),
    );
    await Promise.race([
      settled,
      delay(Math.max(0, this.graceEnds - Date.now())),
    ]);
    await Promise.all(
      [...this.running.values()].map(({ task, controller, heartbeat }) => {
        // Handed back, the task is no longer ours: a beat after this
        // would only report a lost lease.
        heartbeat.stop();
        controller.abort();
        return this.handBack(task);
      }),
    );
  }
}

/**
 * A handler's abort signal, made only if the handler looks at it: most
 * handlers never do, and an AbortController per task is a measurable
 * share of a busy worker's time.
 */
class LazyAbort {
  aborted = false;
  private controller: AbortController | undefined;
  readonly context: HandlerContext;

  constructor() {
    const signal = () => this.signal();
    this.context = {
      get signal() {
        return signal();
      },
    };
  }

  private signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

function wholeNumber(name: string, value: number, min: number, max = Infinity) {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `${min}–${max}`;
    throw new RangeError(
      `${name} must be a whole number ${range}, got ${value}`,
    );
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
