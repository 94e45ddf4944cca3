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
});
