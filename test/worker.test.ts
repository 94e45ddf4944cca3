/**
 * The Worker library against a real server: concurrency, batching, next
 * tasks, error hand-back, heartbeats and graceful stop.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { CorndogsClient } from "../src/client/client.js";
import type { Task } from "../src/gen/corndogs/v1alpha1/corndogs_pb.js";
import { Worker, type WorkerOptions } from "../src/worker/worker.js";
import { startTestServer, type TestServer } from "./support/servers.js";

describe("Worker", () => {
  let server: TestServer;
  let client: CorndogsClient;
  let queueNumber = 0;
  const newQueue = () => `worker-${++queueNumber}`;

  before(async () => {
    server = await startTestServer("sqlite");
    client = server.client();
  });
  after(() => server.stop());

  function worker(options: Omit<WorkerOptions, "client">) {
    return new Worker({ client, handleSignals: false, waitMs: 200, ...options });
  }

  async function until(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  const liveCount = async (queue: string) =>
    (await client.getTaskStateCounts({ queue })).count;

  it("handles every task exactly once, at most `concurrency` at a time", async () => {
    const queue = newQueue();
    await client.submitTasks({
      tasks: Array.from({ length: 200 }, (_, i) => ({
        queue,
        payload: new TextEncoder().encode(String(i)),
      })),
    });
    const seen: string[] = [];
    let running = 0;
    let most = 0;
    const w = worker({
      queues: [queue],
      concurrency: 8,
      handler: async (task) => {
        running++;
        most = Math.max(most, running);
        seen.push(new TextDecoder().decode(task.payload));
        await sleep(1);
        running--;
      },
    });
    const done = w.run();
    await until(async () => (await liveCount(queue)) === 0n, "the drain");
    w.stop();
    await done;
    assert.equal(seen.length, 200);
    assert.equal(new Set(seen).size, 200);
    assert.ok(most <= 8, `at most 8 at once, saw ${most}`);
  });

  it("creates the next task a handler returns", async () => {
    const queue = newQueue();
    const { task } = await client.submitTask({ queue });
    const w = worker({
      queues: [queue],
      handler: async () => ({ nextTask: { currentState: "second" } }),
    });
    const done = w.run();
    await until(
      async () =>
        (await client.getTaskStateCounts({ queue })).stateCounts.second === 1n,
      "the next task",
    );
    w.stop();
    await done;
    const first = await client.getTaskStateByID({ uuid: task!.uuid });
    assert.equal(first.task?.currentState, "completed");
  });

  it("reports a failed handler and hands its task back after a delay", async () => {
    const queue = newQueue();
    const { task } = await client.submitTask({ queue, priority: 4n, timeout: 30n });
    const errors: [unknown, Task | undefined][] = [];
    const starts: number[] = [];
    const w = worker({
      queues: [queue],
      retryDelayMs: (attempt) => 300 * attempt,
      handler: async () => {
        starts.push(Date.now());
        if (starts.length === 1) throw new Error("first try fails");
      },
      onError: (error, t) => errors.push([error, t]),
    });
    const done = w.run();
    await until(async () => (await liveCount(queue)) === 0n, "the retry");
    w.stop();
    await done;

    assert.equal(starts.length, 2);
    assert.ok(starts[1]! - starts[0]! >= 300, "held for the retry delay first");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]![0]), /first try fails/);
    assert.equal(errors[0]![1]?.uuid, task!.uuid);
    const { task: final } = await client.getTaskStateByID({ uuid: task!.uuid });
    assert.equal(final?.currentState, "completed");
    assert.equal(final?.claimCount, 2n);
    assert.equal(final?.priority, 4n);
  });

  it("keeps the lease of a long task alive with heartbeats", async () => {
    const queue = newQueue();
    const { task } = await client.submitTask({ queue, timeout: 1n });
    const w = worker({
      queues: [queue],
      handler: async () => {
        await sleep(2500); // 2.5 leases; the sweeper runs every 100 ms
      },
    });
    const done = w.run();
    await until(async () => (await liveCount(queue)) === 0n, "the long task");
    w.stop();
    await done;
    const { task: final } = await client.getTaskStateByID({ uuid: task!.uuid });
    assert.equal(final?.currentState, "completed");
    assert.equal(final?.claimCount, 1n, "it never timed out");
  });

  it("finishes running tasks on stop, within the grace period", async () => {
    const queue = newQueue();
    const { task } = await client.submitTask({ queue });
    let started = false;
    const w = worker({
      queues: [queue],
      handler: async () => {
        started = true;
        await sleep(300);
      },
    });
    const done = w.run();
    await until(async () => started, "the handler to start");
    w.stop();
    await done;
    const { task: final } = await client.getTaskStateByID({ uuid: task!.uuid });
    assert.equal(final?.currentState, "completed");
  });

  it("hands back what is still running when the grace period ends", async () => {
    const queue = newQueue();
    const { task } = await client.submitTask({ queue, timeout: 60n });
    let started = false;
    const w = worker({
      queues: [queue],
      shutdownGraceMs: 100,
      handler: async (_task, { signal }) => {
        started = true;
        await sleep(5000, undefined, { signal }).catch(() => {});
      },
    });
    const done = w.run();
    await until(async () => started, "the handler to start");
    w.stop();
    await done;
    const { task: final } = await client.getTaskStateByID({ uuid: task!.uuid });
    assert.equal(final?.inFlight, false);
    assert.equal(final?.currentState, "submitted", "back where it was claimed");
  });

  it("stops the heartbeat of a task it hands back at the end of the grace", async () => {
    const queue = newQueue();
    await client.submitTask({ queue, timeout: 2n });
    let started = false;
    const errors: unknown[] = [];
    const w = worker({
      queues: [queue],
      shutdownGraceMs: 100,
      heartbeatMs: 150,
      // Ignores its signal and runs on past several beats.
      handler: async () => {
        started = true;
        await sleep(1000);
      },
      onError: (error) => errors.push(error),
    });
    const done = w.run();
    await until(async () => started, "the handler to start");
    w.stop();
    await done;
    await sleep(1200);
    assert.deepEqual(errors.map(String), []);
  });

  it("holds up to `prefetch` tasks ready and hands them back on stop", async () => {
    const queue = newQueue();
    const { tasks } = await client.submitTasks({
      tasks: Array.from({ length: 10 }, () => ({ queue, timeout: 60n })),
    });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const w = worker({
      queues: [queue],
      concurrency: 2,
      prefetch: 3,
      handler: async (task) => {
        await released;
        handled.push(task.uuid);
      },
    });
    const done = w.run();
    const waitingOnServer = async () =>
      (await client.getTaskStateCounts({ queue })).stateCounts.submitted ?? 0n;
    await until(async () => w.active === 2 && w.waiting === 3, "5 held");
    await sleep(300); // and no more get claimed meanwhile
    assert.equal(await waitingOnServer(), 5n, "2 running + 3 ready claimed");

    w.stop();
    release();
    await done;
    assert.equal(handled.length, 2, "only the running ones were handled");
    assert.equal(await waitingOnServer(), 8n, "the 3 ready ones are back");
    const { stateCounts } = await client.getTaskStateCounts({ queue });
    assert.equal(stateCounts["submitted-working"] ?? 0n, 0n);
    for (const { uuid } of tasks.filter((t) => !handled.includes(t.uuid))) {
      const { task } = await client.getTaskStateByID({ uuid });
      assert.equal(task?.claimCount, 0n, "a task never started is no attempt");
    }
    for (const uuid of handled) {
      const { task } = await client.getTaskStateByID({ uuid });
      assert.equal(task?.currentState, "completed");
    }
  });

  it("hands back a ready task whose lease mostly ran out while it waited", async () => {
    const queue = newQueue();
    const { task: first } = await client.submitTask({ queue, timeout: 2n });
    await sleep(5); // a later submit time: claimed second
    const { task: second } = await client.submitTask({ queue, timeout: 2n });
    const runs: string[] = [];
    const w = worker({
      queues: [queue],
      concurrency: 1,
      prefetch: 1,
      handler: async (task) => {
        runs.push(task.uuid);
        // The second task would wait 1.7 s of its 2 s lease: it is handed
        // back once under a quarter (0.5 s) is left, then claimed again.
        if (task.uuid === first!.uuid) await sleep(1700);
      },
    });
    const done = w.run();
    await until(async () => (await liveCount(queue)) === 0n, "the drain");
    w.stop();
    await done;
    assert.deepEqual(runs, [first!.uuid, second!.uuid], "each run once");
    const { task: final } = await client.getTaskStateByID({
      uuid: second!.uuid,
    });
    const { task: firstFinal } = await client.getTaskStateByID({
      uuid: first!.uuid,
    });
    assert.equal(final?.currentState, "completed");
    assert.ok(
      final!.claimTime - firstFinal!.claimTime >= 1_400_000_000n,
      "handed back, then claimed again later",
    );
    assert.equal(final?.claimCount, 1n, "the undone claim is not counted");
  });

  it("rejects options out of range, naming them", () => {
    const handler = async () => {};
    assert.throws(
      () => worker({ queues: ["q"], handler, prefetch: -1 }),
      /prefetch must be a whole number ≥ 0, got -1/,
    );
    assert.throws(
      () => worker({ queues: ["q"], handler, batchSize: 5000 }),
      /batchSize must be a whole number 1–1000, got 5000/,
    );
    assert.throws(
      () => worker({ queues: ["q"], handler, concurrency: 1.5 }),
      /concurrency must be a whole number ≥ 1, got 1.5/,
    );
  });

  it("never strands a task handed over just as it stops", async () => {
    const queue = newQueue();
    for (let round = 0; round < 10; round++) {
      const w = worker({ queues: [queue], handler: async () => {} });
      const done = w.run();
      await sleep(50); // its long poll waits
      // Stops while the task is on its way to it.
      const submitted = client.submitTask({ queue, timeout: 600n });
      setImmediate(() => w.stop());
      await Promise.all([submitted, done]);
    }
    const { stateCounts } = await client.getTaskStateCounts({ queue });
    assert.equal(
      stateCounts["submitted-working"] ?? 0n,
      0n,
      "no task left in flight without a holder",
    );
  });

  it("hands back ready tasks before their lease runs out", async () => {
    const queue = newQueue();
    const { tasks } = await client.submitTasks({
      tasks: Array.from({ length: 3 }, () => ({ queue, timeout: 2n })),
    });
    const errors: unknown[] = [];
    let first = true;
    const w = worker({
      queues: [queue],
      concurrency: 1,
      prefetch: 2,
      onError: (error) => errors.push(error),
      handler: async () => {
        // The only handler is busy past the 2 s leases of the two ready
        // tasks (its own lease kept by heartbeats).
        if (first) await sleep(2600);
        first = false;
      },
    });
    const done = w.run();
    await until(async () => (await liveCount(queue)) === 0n, "the drain");
    w.stop();
    await done;
    assert.deepEqual(errors, [], "no lease ran out under the worker");
    const finals = await Promise.all(
      tasks.map(({ uuid }) => client.getTaskStateByID({ uuid })),
    );
    assert.ok(finals.every((f) => f.task?.currentState === "completed"));
    assert.ok(
      finals.every((f) => f.task?.claimCount === 1n),
      "undone claims are not counted",
    );
    const claimTimes = finals.map((f) => f.task!.claimTime).sort();
    assert.ok(
      claimTimes[2]! - claimTimes[0]! >= 1_400_000_000n,
      "a ready one went back and was claimed again later",
    );
  });

  it("rejects a long poll over 60 s, a heartbeat under 100 ms and no queues", () => {
    const handler = async () => {};
    assert.throws(
      () => worker({ queues: ["q"], handler, waitMs: 70_000 }),
      /waitMs must be a whole number 0–60000, got 70000/,
    );
    assert.throws(
      () => worker({ queues: ["q"], handler, heartbeatMs: 0 }),
      /heartbeatMs must be a whole number ≥ 100, got 0/,
    );
    assert.throws(
      () => worker({ queues: [], handler }),
      /queues must name at least one queue/,
    );
  });
});
