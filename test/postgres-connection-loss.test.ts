/**
 * PostgreSQL connections that die under a running server (a database
 * restart, a failover, a PgBouncer going away; here pg_terminate_backend)
 * fail the calls they carried, and nothing else: the server stays up and
 * serves on new connections. A connection that died mid-transaction
 * used to emit an unhandled "error" and end the process.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../src/client/client.js";
import { createLogger } from "../src/log.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import {
  createTestDatabase,
  type TestDatabase,
  withPostgres,
} from "./support/databases.js";
import { testSettings } from "./support/servers.js";

describe("PostgreSQL connections terminated under load", () => {
  // Its own application_name, so only this server's connections are cut
  // (tests run side by side).
  const name = `corndogs_loss_${randomBytes(4).toString("hex")}`;
  let database: TestDatabase;
  let server: RunningServer;
  let client: CorndogsClient;

  before(async () => {
    database = await createTestDatabase("postgres");
    const url = new URL(database.url);
    url.searchParams.set("application_name", name);
    server = await startServer(
      testSettings(url.toString()),
      createLogger("silent"),
    );
    client = createCorndogsClient({
      baseUrl: `http://127.0.0.1:${server.apiPort}`,
    });
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  const terminate = () =>
    withPostgres((pg) =>
      pg.query(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [name],
      ),
    ).then((result) => (result.rows[0] as { n: number }).n);

  it("keeps serving after its connections are cut mid-transaction", async () => {
    let stop = false;
    let completions = 0;
    // Completions with a next task run in a transaction on one client.
    const load = async () => {
      while (!stop) {
        try {
          await client.submitTask({ queue: "cut" });
          const { task } = await client.getNextTask({ queue: "cut" });
          if (!task) continue;
          await client.completeTask({
            uuid: task.uuid,
            queue: "cut",
            currentState: task.currentState,
            claimToken: task.claimToken,
            nextTask: { currentState: "after" },
          });
          completions++;
        } catch {
          // Calls on a cut connection fail: that is expected here.
        }
      }
    };
    const loads = Array.from({ length: 8 }, load);
    let cut = 0;
    for (let i = 0; i < 5; i++) {
      await sleep(300);
      cut += await terminate();
    }
    stop = true;
    await Promise.all(loads);
    assert.ok(cut > 0, "connections were cut");

    const before = completions;
    const { task } = await client.submitTask({ queue: "after-cut" });
    const claimed = await client.getNextTask({ queue: "after-cut" });
    assert.equal(claimed.task?.uuid, task?.uuid);
    assert.ok(before > 0, "the load ran");
  });
});
