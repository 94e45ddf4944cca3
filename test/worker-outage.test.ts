/**
 * A Worker whose server goes away while handlers run completes their
 * tasks once it is back, instead of leaving them in flight: without a
 * lease (as here) such a task would never come back by itself.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createCorndogsClient } from "../src/client/client.js";
import { Worker } from "../src/worker/worker.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import {
  freePort,
  spawnServer,
  stopProcess,
  type ServerProcess,
} from "./support/servers.js";

describe("a Worker across a server restart", () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  before(async () => {
    database = await createTestDatabase("sqlite");
    env = {
      CORNDOGS_DATABASE_URL: database.url,
      CORNDOGS_LISTEN: `127.0.0.1:${await freePort()}`,
    };
    server = await spawnServer(env);
  });
  after(async () => {
    if (server) await stopProcess(server.child);
    await database.drop();
  });

  it("retries completions that failed while the server was down", async () => {
    const client = createCorndogsClient({ baseUrl: server!.baseUrl });
    const queue = "outage";
    const { tasks } = await client.submitTasks({
      tasks: [{ queue }, { queue }, { queue }],
    });
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const errors: unknown[] = [];
    const worker = new Worker({
      client,
      queues: [queue],
      state: "",
      concurrency: 3,
      prefetch: 0,
      waitMs: 200,
      handleSignals: false,
      handler: () => gate,
      onError: (error) => errors.push(error),
    });
    const running = worker.run();
    try {
      while (worker.active < 3) await sleep(20);

      await stopProcess(server!.child, "SIGKILL");
      server = undefined;
      finish(); // the handlers end while nobody can hear their completions
      await sleep(500);
      server = await spawnServer(env);

      const deadline = Date.now() + 15_000;
      for (;;) {
        const states = await Promise.all(
          tasks.map(async (task) => {
            const found = await client.getTaskStateByID({
              uuid: task.uuid,
              queue,
            });
            return found.task?.currentState;
          }),
        );
        if (states.every((state) => state === "completed")) break;
        assert.ok(Date.now() < deadline, `tasks still ${states.join(", ")}`);
        await sleep(100);
      }
      assert.ok(
        errors.some((error) => String(error).includes("unavailable")),
        `the outage was reported: ${errors.map(String).join("; ")}`,
      );
    } finally {
      worker.stop();
      await running;
    }
  });
  it("retries a long task's completion within the lease its heartbeats extended", async () => {
    const client = createCorndogsClient({ baseUrl: server!.baseUrl });
    const queue = "outage-long";
    const { task } = await client.submitTask({ queue, timeout: 3n });
    const worker = new Worker({
      client,
      queues: [queue],
      state: "",
      concurrency: 1,
      prefetch: 0,
      waitMs: 200,
      heartbeatMs: 500,
      handleSignals: false,
      // Runs past the 3-s lease of its claim, kept alive by heartbeats.
      handler: () => sleep(4000),
      onError: () => undefined,
    });
    const running = worker.run();
    try {
      while (worker.active < 1) await sleep(20);
      await sleep(3500);
      // Down as the handler finishes, past the claim's own lease.
      await stopProcess(server!.child, "SIGKILL");
      server = await spawnServer(env);

      const deadline = Date.now() + 15_000;
      for (;;) {
        const { task: now } = await client.getTaskStateByID({
          uuid: task!.uuid,
          queue,
        });
        if (now?.currentState === "completed") {
          assert.equal(now.claimCount, 1n, "completed by its first claim");
          break;
        }
        assert.ok(Date.now() < deadline, `task still ${now?.currentState}`);
        await sleep(100);
      }
    } finally {
      worker.stop();
      await running;
    }
  });

  // All six held (no claim on its way), or five and a long poll waiting.
  for (const submitted of [6, 5]) {
    it(`stops within its grace period while the server does not answer (${submitted} tasks)`, async () => {
      const client = createCorndogsClient({ baseUrl: server!.baseUrl });
      const queue = `outage-frozen-${submitted}`;
      await client.submitTasks({
        tasks: Array.from({ length: submitted }, () => ({ queue })),
      });
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const worker = new Worker({
        client,
        queues: [queue],
        state: "",
        concurrency: 2,
        prefetch: 4,
        waitMs: 20_000,
        shutdownGraceMs: 1000,
        handleSignals: false,
        handler: () => gate,
        onError: () => undefined,
      });
      const running = worker.run();
      while (worker.active < 2 || worker.waiting < submitted - 2)
        await sleep(20);
      await sleep(100); // the next claim, if there is room, is on its way
      server!.child.kill("SIGSTOP");
      try {
        const stopped = Date.now();
        // Releases the ready tasks (calls that get no answer), waits out
        // the grace for the running ones, which outlast it, and hands
        // those back (more calls that get no answer).
        worker.stop();
        const outcome = await Promise.race([
          running.then(() => "resolved"),
          sleep(8000).then(() => "still pending"),
        ]);
        const took = Date.now() - stopped;
        assert.equal(outcome, "resolved", `run() after ${took} ms`);
        // The grace (1 s), then at most a second for the last hand-backs.
        assert.ok(took < 2600, `run() resolved ${took} ms after stop()`);
      } finally {
        finish();
        server!.child.kill("SIGCONT");
      }
    });
  }
});
