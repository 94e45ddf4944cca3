/**
 * Prometheus metrics of one server instance. Counters follow the domain
 * events, so every instance counts only what it did and sums across
 * instances never double-count. prom-client escapes label values.
 */
import type { Interceptor } from "@connectrpc/connect";
import { ConnectError, Code } from "@connectrpc/connect";
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from "prom-client";
import type { LiveCount } from "../domain/stats.js";
import type { TaskEvents } from "../service/task-events.js";
import { QueueLabels } from "./queue-labels.js";

const NS_PER_SECOND = 1e9;

interface Totals {
  waiting: number;
  inFlight: number;
  age: number;
}

/** The registry and instruments of one server. */
export class ServerMetrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: "corndogs_rpc_requests_total",
    help: "RPC requests handled, by method and status code.",
    labelNames: ["method", "code"] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: "corndogs_rpc_duration_seconds",
    help: "RPC handling time, by method.",
    labelNames: ["method"] as const,
    buckets: [
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 15, 60,
    ],
    registers: [this.registry],
  });

  private readonly transitions = new Counter({
    name: "corndogs_task_transitions_total",
    help:
      "Task transitions made by this instance, by queue and kind " +
      "(submitted, claimed, updated, completed, canceled, timed_out).",
    labelNames: ["queue", "transition"] as const,
    registers: [this.registry],
  });

  private readonly workDuration = new Histogram({
    name: "corndogs_work_duration_seconds",
    help: "Time from claim to completion of completed tasks, by queue.",
    labelNames: ["queue"] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  private readonly waiting = new Gauge({
    name: "corndogs_tasks_waiting",
    help:
      "Waiting tasks by queue and state, from the database; exported by " +
      "one instance at a time (the maintenance lease holder).",
    labelNames: ["queue", "state"] as const,
    registers: [this.registry],
  });

  private readonly inFlight = new Gauge({
    name: "corndogs_tasks_in_flight",
    help: "In-flight tasks by queue and state; exported like waiting.",
    labelNames: ["queue", "state"] as const,
    registers: [this.registry],
  });

  private readonly oldestAge = new Gauge({
    name: "corndogs_oldest_waiting_age_seconds",
    help: "Age of the oldest waiting task by queue and state.",
    labelNames: ["queue", "state"] as const,
    registers: [this.registry],
  });

  private readonly leader = new Gauge({
    name: "corndogs_maintenance_leader",
    help:
      "1 on the instance that holds the maintenance lease (exports the " +
      "live-task gauges and prunes), 0 on the others.",
    registers: [this.registry],
  });

  /** Label sets of the live-task gauges exported so far. */
  private readonly exported = new Map<
    string,
    { queue: string; state: string }
  >();

  private readonly queues: QueueLabels;

  constructor(maxQueues = 200) {
    this.queues = new QueueLabels(maxQueues);
    collectDefaultMetrics({ register: this.registry, prefix: "corndogs_" });
  }

  /**
   * Sets the live-task gauges from `counts` taken at `now` (Unix ns),
   * replacing the previous values; queues beyond the label cap are summed
   * under `_other` (their oldest age is the oldest of them).
   */
  setLiveCounts(counts: LiveCount[], now: bigint): void {
    const rows = new Map<string, { queue: string; state: string } & Totals>();
    for (const c of counts) {
      const queue = this.queues.label(c.queue);
      const key = JSON.stringify([queue, c.state]);
      const row = rows.get(key) ?? {
        queue,
        state: c.state,
        waiting: 0,
        inFlight: 0,
        age: 0,
      };
      row.waiting += Number(c.waiting);
      row.inFlight += Number(c.inFlight);
      if (c.oldestWaiting > 0n) {
        const age = Number(now - c.oldestWaiting) / NS_PER_SECOND;
        row.age = Math.max(row.age, age);
      }
      rows.set(key, row);
    }
    // A queue and state that drained reads 0 rather than vanishing.
    for (const [key, labels] of this.exported) {
      if (!rows.has(key))
        rows.set(key, { ...labels, waiting: 0, inFlight: 0, age: 0 });
    }
    for (const [key, { queue, state, waiting, inFlight, age }] of rows) {
      this.exported.set(key, { queue, state });
      this.waiting.set({ queue, state }, waiting);
      this.inFlight.set({ queue, state }, inFlight);
      this.oldestAge.set({ queue, state }, age);
    }
    this.leader.set(1);
  }

  /** Drops the live-task gauges (this instance no longer exports them). */
  clearLiveCounts(): void {
    this.exported.clear();
    this.waiting.reset();
    this.inFlight.reset();
    this.oldestAge.reset();
    this.leader.set(0);
  }

  /** Counts the transitions announced by `events`. */
  observe(events: TaskEvents): void {
    const count = (queue: string, transition: string) =>
      this.transitions.inc({ queue: this.queues.label(queue), transition });
    events.on("submitted", (e) => count(e.queue, "submitted"));
    events.on("claimed", (e) => count(e.queue, "claimed"));
    events.on("updated", (e) => count(e.queue, "updated"));
    events.on("canceled", (e) => count(e.queue, "canceled"));
    events.on("timedOut", (e) => count(e.queue, "timed_out"));
    events.on("completed", (e) => {
      count(e.queue, "completed");
      if (e.workDuration > 0n) {
        const seconds = Number(e.workDuration) / NS_PER_SECOND;
        this.workDuration.observe(
          { queue: this.queues.label(e.queue) },
          seconds,
        );
      }
    });
  }

  /**
   * Counts a request refused before any interceptor saw it (too large, a
   * body that does not decode): not timed, since no handler ran.
   */
  countRefused(method: string, code: Code): void {
    this.requests.inc({ method, code: Code[code] ?? "unknown" });
  }

  /** An interceptor that counts and times every RPC. */
  interceptor(): Interceptor {
    return (next) => async (request) => {
      const method = request.method.name;
      const stop = this.latency.startTimer({ method });
      let code = "ok";
      try {
        return await next(request);
      } catch (err) {
        code = Code[ConnectError.from(err).code] ?? "unknown";
        throw err;
      } finally {
        stop();
        this.requests.inc({ method, code });
      }
    };
  }
}
