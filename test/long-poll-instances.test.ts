/**
 * A long poll on one instance picks up a task submitted through another:
 * woken by PostgreSQL NOTIFY, or, with notifications and prepared
 * statements off (as behind PgBouncer in transaction mode), by its own
 * polling.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createCorndogsClient } from "../src/client/client.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { testSettings } from "./support/servers.js";

for (const pgNotify of [true, false]) {
  describe(`long polls across instances, notifications and prepared statements ${pgNotify ? "on" : "off"}`, () => {
    let database: TestDatabase;
    let servers: RunningServer[];
    const client = (i: number) =>
      createCorndogsClient({ baseUrl: `http://127.0.0.1:${servers[i]!.apiPort}` });

    before(async () => {
      database = await createTestDatabase("postgres");
      const settings = testSettings(database.url, {
        pgNotify,
        pgPrepare: pgNotify,
      });
      servers = [
        await startServer(settings, createLogger("silent")),
        await startServer(settings, createLogger("silent")),
      ];
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await database.drop();
    });

    it("hands a task submitted elsewhere to the waiting claim", async () => {
      const waiting = client(0).getNextTask({ queue: "across", waitMs: 10_000n });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { task } = await client(1).submitTask({ queue: "across" });
      const claimed = await waiting;
      assert.equal(claimed.task?.uuid, task?.uuid);
    });
  });
}
