/**
 * Work one instance does for all: live gauges exported once across
 * instances, the cap on queue labels, and retention in small batches.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { openStore } from "../src/store/open-store.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { scrape, sampleValue } from "./support/prometheus.js";
import { startTestServer, testSettings, type TestServer } from "./support/servers.js";

describe("live gauges with two instances on one PostgreSQL", () => {
  let database: TestDatabase;
  let servers: RunningServer[];

  before(async () => {
    database = await createTestDatabase("postgres");
    const settings = testSettings(database.url, { maintenanceIntervalMs: 200 });
    servers = [
      await startServer(settings, createLogger("silent")),
      await startServer(settings, createLogger("silent")),
    ];
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await database.drop();
  });

  it("are exported by exactly one instance, so sums do not double-count", async () => {
    await servers[0]!.service.submitMany(
      Array.from({ length: 7 }, () => ({
        queue: "shared",
        currentState: "",
        autoTargetState: "",
        timeout: 0n,
        priority: 0n,
        payload: new Uint8Array(),
      })),
    );
    await sleep(800);
    const values = await Promise.all(
      servers.map(async (s) =>
        sampleValue(await scrape(`http://127.0.0.1:${s.opsPort}`), "corndogs_tasks_waiting", {
          queue: "shared",
        }),
      ),
    );
    assert.deepEqual(
      values.map((v) => v ?? 0).sort(),
      [0, 7],
      `one exports 7, the other nothing: ${values}`,
    );
    const leaders = await Promise.all(
      servers.map(async (s) =>
        sampleValue(await scrape(`http://127.0.0.1:${s.opsPort}`), "corndogs_maintenance_leader", {}),
      ),
    );
    assert.deepEqual(leaders.sort(), [0, 1]);
  });
});

describe("the cap on queue labels", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("sqlite", { metricsMaxQueues: 2, maintenanceIntervalMs: 200 });
  });
  after(() => server.stop());

  it("counts queues beyond the cap under _other", async () => {
    const client = server.client();
    for (const queue of ["q1", "q2", "q3", "q4", "q4"]) {
      await client.submitTask({ queue });
    }
    const metrics = await scrape(server.opsUrl);
    const submitted = (queue: string) =>
      sampleValue(metrics, "corndogs_task_transitions_total", { queue, transition: "submitted" });
    assert.equal(submitted("q1"), 1);
    assert.equal(submitted("q2"), 1);
    assert.equal(submitted("q3"), undefined);
    assert.equal(submitted("_other"), 3);
  });
});

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`retention on ${kind}`, () => {
    let database: TestDatabase;
    before(async () => (database = await createTestDatabase(kind)));
    after(() => database.drop());

    it("prunes archived tasks before a time, in batches of the given size", async () => {
      const store = openStore(database.url);
      await store.migrate();
      try {
        const tasks = await store.submitMany(
          Array.from({ length: 5 }, () => ({
            queue: "old",
            currentState: "submitted",
            autoTargetState: "submitted-working",
            timeout: 0n,
            priority: 0n,
            payload: new Uint8Array(),
          })),
        );
        for (const task of tasks) {
          await store.complete(
            { uuid: task.uuid, queue: "old", currentState: "submitted", claimToken: "" },
            undefined,
          );
        }
        const cutoff = (await store.clock()) + 1n;
        assert.equal(await store.prune("archived_tasks", cutoff, 2), 2);
        assert.equal(await store.prune("archived_tasks", cutoff, 2), 2);
        assert.equal(await store.prune("archived_tasks", cutoff, 2), 1);
        assert.equal(await store.prune("archived_tasks", cutoff, 2), 0);
        assert.equal(await store.get(tasks[0]!.uuid), undefined);
      } finally {
        await store.close();
      }
    });
  });
}
