/**
 * Completions with big next tasks that finish together are sent in
 * batches small enough to pass (each call under a few MiB of payload):
 * one call with all of them was reset by HTTP/2, and every retry batched
 * them together again. And an onError hook that throws does not end the
 * process.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { CorndogsClient } from "../src/client/client.js";
import { Worker } from "../src/worker/worker.js";
import { startTestServer, type TestServer } from "./support/servers.js";

const MIB = 1024 * 1024;

describe("Worker completions", () => {
  let server: TestServer;
  let client: CorndogsClient;

  before(async () => {
    server = await startTestServer("sqlite", { maxPayloadBytes: 16 * MIB });
    client = server.client();
  });
  after(() => server.stop());

  async function until(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await sleep(50);
    }
  }

  it("sends big next tasks that finish together in batches that pass", async () => {
    const queue = "big-next";
    await client.submitTasks({
      tasks: Array.from({ length: 10 }, () => ({ queue })),
    });
    let started = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const errors: unknown[] = [];
    const worker = new Worker({
      client,
      queues: [queue],
      state: "",
      concurrency: 10,
      prefetch: 0,
      waitMs: 200,
      handleSignals: false,
      handler: async () => {
        started++;
        await gate;
        return {
          nextTask: {
            currentState: "stage2",
            payload: new Uint8Array(3 * MIB),
          },
        };
      },
      onError: (error) => errors.push(error),
    });
    const running = worker.run();
    try {
      await until(async () => started === 10, "10 handlers to run");
      finish(); // all ten complete in the same turn: 30 MiB of next tasks
      await until(async () => {
        const { count } = await client.getTaskStateCounts({ queue });
        const counts = await client.getQueueAndStateCounts({});
        return (
          count === 10n &&
          counts.queueAndStateCounts[queue]?.stateCounts["stage2"] === 10n
        );
      }, "10 next tasks in stage2");
      assert.deepEqual(errors.map(String), []);
    } finally {
      worker.stop();
      await running;
    }
  });

  it("survives an onError hook that throws", async () => {
    const queue = "hook-throws";
    await client.submitTask({ queue });
    let handled = 0;
    const worker = new Worker({
      client,
      queues: [queue],
      state: "",
      waitMs: 200,
      handleSignals: false,
      retryDelayMs: () => 0,
      handler: async () => {
        handled++;
        throw new Error("handler failed");
      },
      onError: () => {
        throw new Error("the hook failed too");
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const running = worker.run();
    try {
      await until(
        async () => handled >= 2,
        "the task handed back and run again",
      );
      assert.deepEqual(unhandled, []);
    } finally {
      worker.stop();
      await running;
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
