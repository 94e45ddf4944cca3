/**
 * Two Corndogs instances behind a real PgBouncer in transaction mode, with
 * notifications and prepared statements off as the README says to run
 * them there. PgBouncer has fewer server connections than the stores have
 * clients, so consecutive transactions of one store client run on
 * different sessions: anything that relied on session state (a search
 * path, a prepared statement, a session lock) would fail here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../src/client/client.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { startPgBouncer, type PgBouncer } from "./support/pgbouncer.js";
import { testSettings } from "./support/servers.js";

describe("behind PgBouncer in transaction mode", () => {
  let bouncer: PgBouncer;
  let database: TestDatabase;
  let servers: RunningServer[];
  let clients: CorndogsClient[];

  before(async () => {
    bouncer = await startPgBouncer(2);
    database = await createTestDatabase("postgres");
    // The test schema, reached through PgBouncer instead of directly.
    const url = new URL(bouncer.url);
    url.search = new URL(database.url).search;
    const settings = testSettings(url.toString(), {
      pgNotify: false,
      pgPrepare: false,
    });
    // Both start (and migrate) at once: the migration lock must hold
    // across PgBouncer too.
    servers = await Promise.all([
      startServer(settings, createLogger("silent")),
      startServer(settings, createLogger("silent")),
    ]);
    clients = servers.map((server) =>
      createCorndogsClient({ baseUrl: `http://127.0.0.1:${server.apiPort}` }),
    );
  });
  after(async () => {
    await Promise.all((servers ?? []).map((server) => server.close()));
    await database?.drop();
    await bouncer?.stop();
  });

  it("really runs PgBouncer in transaction mode", async () => {
    const config = await bouncer.admin("SHOW CONFIG");
    const poolMode = config.find((row) => row.key === "pool_mode");
    assert.equal(poolMode?.value, "transaction");
  });

  it("hands a task submitted through one instance to a long poll on the other", async () => {
    const waiting = clients[0]!.getNextTask({
      queue: "bounced",
      waitMs: 10_000n,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { task } = await clients[1]!.submitTask({ queue: "bounced" });
    const claimed = await waiting;
    assert.equal(claimed.task?.uuid, task?.uuid);
  });

  it("drains a batch from both instances, each task once, with next steps", async () => {
    const queue = "bounced-batch";
    const { tasks } = await clients[0]!.submitTasks({
      tasks: Array.from({ length: 300 }, () => ({ queue, timeout: 60n })),
    });
    const seen = new Map<string, number>();
    const drain = async (client: CorndogsClient) => {
      for (;;) {
        const claimed = await client.getNextTasks({
          queues: [queue],
          limit: 25,
        });
        if (claimed.tasks.length === 0) return;
        for (const task of claimed.tasks) {
          seen.set(task.uuid, (seen.get(task.uuid) ?? 0) + 1);
        }
        const { results } = await client.completeTasks({
          tasks: claimed.tasks.map((task) => ({
            uuid: task.uuid,
            queue,
            currentState: task.currentState,
            claimToken: task.claimToken,
            nextTask: { currentState: "checked" },
          })),
          omitTasks: true,
        });
        assert.deepEqual(
          results.map((result) => result.errorCode),
          claimed.tasks.map(() => ""),
        );
      }
    };
    await Promise.all([
      drain(clients[0]!),
      drain(clients[1]!),
      drain(clients[0]!),
      drain(clients[1]!),
    ]);
    assert.equal(seen.size, tasks.length);
    assert.ok([...seen.values()].every((times) => times === 1));
    const counts = await clients[1]!.getQueueAndStateCounts({});
    const byState = counts.queueAndStateCounts[queue]?.stateCounts ?? {};
    assert.equal(byState["checked"], 300n);
  });

  it("extends a lease only under the claim's token", async () => {
    const queue = "bounced-lease";
    await clients[0]!.submitTask({ queue, timeout: 5n });
    const { task } = await clients[1]!.getNextTask({ queue });
    assert.ok(task);
    const extended = await clients[0]!.extendLease({
      uuid: task.uuid,
      queue,
      claimToken: task.claimToken,
      timeout: 600n,
    });
    // Ten minutes from now, where the claim set five seconds.
    assert.ok(extended.task!.deadline - task.deadline > 500n * 1_000_000_000n);
    await assert.rejects(
      clients[0]!.extendLease({
        uuid: task.uuid,
        queue,
        claimToken: "00000000-0000-4000-8000-000000000000",
        timeout: 600n,
      }),
      /claim/,
    );
  });
});
