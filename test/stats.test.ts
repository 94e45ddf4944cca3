/**
 * Operational statistics with exact numbers on scripted scenarios:
 * workers, timeouts by state and by worker, history buckets and their
 * edges, work durations, and the live-task gauges in /metrics.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CorndogsClient } from "../src/client/client.js";
import {
  MINUTE_NS,
  bucketUpperBound,
  durationBucket,
  minuteOf,
} from "../src/domain/stats.js";
import { scrape, sampleValue } from "./support/prometheus.js";
import { startTestServer, type TestServer } from "./support/servers.js";

const MS = 1_000_000n;

describe("work-duration buckets", () => {
  it("put every duration within 10 % below its bucket's upper bound", () => {
    for (let ns = 1n; ns < 10n ** 13n; ns = (ns * 7n) / 5n + 1n) {
      const bucket = durationBucket(ns);
      assert.ok(ns <= bucketUpperBound(bucket), `${ns} ≤ bound of ${bucket}`);
      if (bucket > 1) {
        assert.ok(ns > bucketUpperBound(bucket - 1), `${ns} > previous bound`);
      }
      assert.ok(bucketUpperBound(bucket) <= Number(ns) * 1.1 + 1);
    }
  });

  it("puts an instant exactly on a minute edge in the minute it starts", () => {
    const edge = 1_800_000_000n * 1_000_000_000n; // a whole minute
    assert.equal(minuteOf(edge), edge);
    assert.equal(minuteOf(edge - 1n), edge - MINUTE_NS);
    assert.equal(minuteOf(edge + MINUTE_NS - 1n), edge);
  });
});

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`statistics on ${kind}`, () => {
    let server: TestServer;
    let client: CorndogsClient;
    let n = 0;
    const newQueue = () => `stats-${++n}`;

    before(async () => {
      server = await startTestServer(kind, {
        statsFlushMs: 100,
        maintenanceIntervalMs: 200,
      });
      client = server.client();
    });
    after(() => server.stop());

    /** Claims the next task of `queue` as `workerId` and times it out. */
    async function claimAndTimeOut(queue: string, workerId: string) {
      const { task } = await client.getNextTask({ queue, workerId });
      assert.ok(task, "a task to claim");
      await client.cleanUpTimedOut({ atTime: task.deadline, queue });
      return task;
    }

    it("counts claims, completions and timeouts per worker", async () => {
      const queue = newQueue();
      await client.submitTasks({
        tasks: Array.from({ length: 4 }, () => ({ queue, timeout: 30n })),
      });
      const { tasks } = await client.getNextTasks({ queues: [queue], limit: 2, workerId: "a" });
      await client.completeTask({
        uuid: tasks[0]!.uuid,
        queue,
        currentState: tasks[0]!.currentState,
      });
      await client.cleanUpTimedOut({ atTime: tasks[1]!.deadline, queue });
      await client.getNextTask({ queue });

      const { workers } = await client.getWorkers({ queue });
      const byId = Object.fromEntries(workers.map((w) => [w.workerId, w]));
      assert.deepEqual(Object.keys(byId).sort(), ["a", "anonymous"]);
      assert.equal(byId.a?.claims, 2n);
      assert.equal(byId.a?.completions, 1n);
      assert.equal(byId.a?.timeouts, 1n);
      assert.equal(byId.anonymous?.claims, 1n);
      assert.equal(byId.anonymous?.completions, 0n);
      assert.ok(byId.a!.firstSeen <= byId.a!.lastSeen);
    });

    it("lists only workers seen in the last N minutes", async () => {
      const queue = newQueue();
      await client.submitTask({ queue });
      await client.getNextTask({ queue, workerId: "fresh" });
      const now = await server.server.service.store.clock();
      await server.server.service.store.recordStats({
        history: [],
        durations: [],
        workers: [
          {
            queue,
            workerId: "gone",
            firstSeen: now - 20n * MINUTE_NS,
            lastSeen: now - 10n * MINUTE_NS,
            claims: 3n,
            completions: 3n,
            timeouts: 0n,
          },
        ],
      });
      const recent = await client.getWorkers({ queue, withinMinutes: 5n });
      assert.deepEqual(recent.workers.map((w) => w.workerId), ["fresh"]);
      const longer = await client.getWorkers({ queue, withinMinutes: 11n });
      assert.deepEqual(longer.workers.map((w) => w.workerId), ["fresh", "gone"]);
    });

    it("attributes each timeout to the worker that held the lease", async () => {
      const queue = newQueue();
      await client.submitTask({ queue, timeout: 60n });
      await claimAndTimeOut(queue, "first");
      await claimAndTimeOut(queue, "second");
      await claimAndTimeOut(queue, "second");
      await client.submitTask({ queue, currentState: "other", timeout: 60n });
      const { task } = await client.getNextTask({ queue, currentState: "other", workerId: "third" });
      await client.cleanUpTimedOut({ atTime: task!.deadline, queue });

      const stats = await client.getTimeoutStats({ queue });
      assert.deepEqual(
        stats.byState.map((s) => [s.state, s.count]),
        [["other", 1n], ["submitted", 3n]],
      );
      assert.deepEqual(
        stats.byWorker.map((w) => [w.workerId, w.count]),
        [["first", 1n], ["second", 2n], ["third", 1n]],
      );
    });

    it("counts completions, cancellations and timeouts per bucket", async () => {
      const queue = newQueue();
      const { tasks } = await client.submitTasks({
        tasks: Array.from({ length: 5 }, () => ({ queue, timeout: 60n })),
      });
      for (const task of tasks.slice(0, 3)) {
        await client.completeTask({ uuid: task.uuid, queue, currentState: "submitted" });
      }
      await client.cancelTask({ uuid: tasks[3]!.uuid, queue, currentState: "submitted" });
      await claimAndTimeOut(queue, "w");

      const { buckets } = await client.getCompletionHistory({ queue, bucketMinutes: 60n });
      const totals = buckets.reduce(
        (sum, b) => [sum[0]! + b.completed, sum[1]! + b.canceled, sum[2]! + b.timedOut],
        [0n, 0n, 0n],
      );
      assert.deepEqual(totals, [3n, 1n, 1n]);
      assert.ok(buckets.every((b) => b.queue === queue));
    });

    it("puts an event on a minute edge in the bucket that starts there", async () => {
      const queue = newQueue();
      const now = await server.server.service.store.clock();
      const edge = minuteOf(now) - 5n * MINUTE_NS;
      const row = (minute: bigint, count: bigint) => ({
        minute,
        queue,
        state: "s",
        event: "completed" as const,
        workerId: "w",
        count,
        workSum: 0n,
        workMax: 0n,
      });
      await server.server.service.store.recordStats({
        history: [row(edge - MINUTE_NS, 2n), row(edge, 5n)],
        durations: [],
        workers: [],
      });

      const from = await client.getCompletionHistory({ queue, since: edge, until: now });
      assert.deepEqual(from.buckets.map((b) => [b.start, b.completed]), [[edge, 5n]]);
      const upTo = await client.getCompletionHistory({ queue, since: edge - MINUTE_NS, until: edge });
      assert.deepEqual(upTo.buckets.map((b) => [b.start, b.completed]), [[edge - MINUTE_NS, 2n]]);
      const midMinute = await client.getCompletionHistory({
        queue,
        since: edge + 30n * 1_000_000_000n,
        until: now,
      });
      assert.deepEqual(
        midMinute.buckets.map((b) => b.completed),
        [5n],
        "the minute holding since is in",
      );
    });

    it("reports work-duration percentiles per queue", async () => {
      const queue = newQueue();
      const now = await server.server.service.store.clock();
      const minute = minuteOf(now);
      const durations = Array.from({ length: 100 }, (_, i) => BigInt(i + 1) * MS);
      const buckets = new Map<number, bigint>();
      for (const d of durations) {
        const b = durationBucket(d);
        buckets.set(b, (buckets.get(b) ?? 0n) + 1n);
      }
      await server.server.service.store.recordStats({
        history: [{
          minute, queue, state: "s", event: "completed", workerId: "w",
          count: 100n, workSum: 5050n * MS, workMax: 100n * MS,
        }],
        durations: [...buckets].map(([bucket, count]) => ({ minute, queue, bucket, count })),
        workers: [],
      });

      const { queues } = await client.getWorkDurations({ queue });
      assert.equal(queues.length, 1);
      const [stats] = queues;
      assert.equal(stats?.count, 100n);
      assert.equal(stats?.max, 100n * MS);
      for (const [name, exact] of [["p50", 50n], ["p90", 90n], ["p99", 99n]] as const) {
        const value = stats![name];
        assert.ok(value >= exact * MS, `${name} ${value} ≥ ${exact} ms`);
        assert.ok(value <= (exact * MS * 11n) / 10n, `${name} within 10 %`);
      }
    });

    it("measures a real completion's work duration exactly as max", async () => {
      const queue = newQueue();
      await client.submitTask({ queue });
      const { task } = await client.getNextTask({ queue });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const done = await client.completeTask({
        uuid: task!.uuid,
        queue,
        currentState: task!.currentState,
      });
      const { queues } = await client.getWorkDurations({ queue });
      assert.equal(queues[0]?.count, 1n);
      assert.equal(queues[0]?.max, done.task!.workDuration);
    });

    it("reports waiting and in-flight counts and the oldest waiting task", async () => {
      const queue = newQueue();
      const { tasks } = await client.submitTasks({
        tasks: [{ queue }, { queue }, { queue }, { queue, currentState: "b" }],
      });
      await client.getNextTask({ queue });
      const { states, now } = await client.getQueueStats({ queue });
      assert.deepEqual(
        states.map((s) => [s.state, s.waiting, s.inFlight]),
        [["b", 1n, 0n], ["submitted", 2n, 0n], ["submitted-working", 0n, 1n]],
      );
      const submitted = states.find((s) => s.state === "submitted")!;
      assert.equal(submitted.oldestWaitingSubmitTime, tasks[1]!.submitTime);
      assert.equal(submitted.oldestWaitingAge, now - tasks[1]!.submitTime);
      assert.equal(states.find((s) => s.state === "submitted-working")!.oldestWaitingAge, 0n);
    });

    it("exports live gauges and escapes user-given queue names", async () => {
      const queue = 'gauge "quoted" \\ back ünï 队列';
      await client.submitTasks({ tasks: [{ queue }, { queue }, { queue }] });
      await client.getNextTask({ queue });
      let metrics = await scrape(server.opsUrl);
      for (let i = 0; i < 50; i++) {
        if (sampleValue(metrics, "corndogs_tasks_waiting", { queue }) === 2) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await scrape(server.opsUrl);
      }
      assert.equal(sampleValue(metrics, "corndogs_tasks_waiting", { queue, state: "submitted" }), 2);
      assert.equal(
        sampleValue(metrics, "corndogs_tasks_in_flight", { queue, state: "submitted-working" }),
        1,
      );
      assert.equal(
        sampleValue(metrics, "corndogs_task_transitions_total", { queue, transition: "submitted" }),
        3,
      );
      assert.match(metrics.text, /queue="gauge \\"quoted\\" \\\\ back ünï 队列"/);
    });
  });
}
