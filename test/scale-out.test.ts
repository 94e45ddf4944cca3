/**
 * Two `corndogs serve` processes on one PostgreSQL schema, 16 concurrent
 * claimers (8 on each) draining 2,000 tasks: every task is claimed exactly
 * once and completed, none is lost.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../src/client/client.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import {
  spawnServer,
  stopProcess,
  type ServerProcess,
} from "./support/servers.js";

const TASKS = 2000;
const CLAIMERS = 16;
const QUEUE = "scale-out";

describe("two server instances on one PostgreSQL", () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];

  before(async () => {
    database = await createTestDatabase("postgres");
    const env = { CORNDOGS_DATABASE_URL: database.url };
    // Started together, so both also race through the migrations.
    servers = await Promise.all([spawnServer(env), spawnServer(env)]);
  });

  after(async () => {
    const codes = await Promise.all(servers.map((s) => stopProcess(s.child)));
    await database.drop();
    assert.deepEqual(codes, [0, 0], "both servers exit cleanly");
  });

  it("has 16 claimers drain 2,000 tasks, each claimed exactly once", async () => {
    const clients = servers.map((s) => createCorndogsClient({ baseUrl: s.baseUrl }));
    const submitted = await submitAll(clients);
    assert.equal(submitted.size, TASKS);

    const claims = await Promise.all(
      Array.from({ length: CLAIMERS }, (_, i) =>
        drain(clients[i % clients.length]!, `worker-${i}`),
      ),
    );

    const claimed = claims.flat();
    assert.equal(claimed.length, TASKS, "no task claimed twice");
    assert.deepEqual(new Set(claimed), submitted, "no task lost");
    assert.ok(
      claims.every((mine) => mine.length > 0),
      "every claimer got work: they did not wait on each other",
    );

    const counts = await clients[0]!.getQueueTaskCounts({});
    assert.equal(counts.totalTaskCount, 0n, "nothing left live");
    for (const uuid of [...submitted].slice(0, 50)) {
      const { task } = await clients[1]!.getTaskStateByID({ uuid });
      assert.equal(task?.currentState, "completed");
      assert.equal(task?.claimCount, 1n);
    }
  });
});

async function submitAll(clients: CorndogsClient[]): Promise<Set<string>> {
  const uuids = new Set<string>();
  const batch = 50;
  for (let start = 0; start < TASKS; start += batch) {
    const tasks = await Promise.all(
      Array.from({ length: batch }, (_, i) =>
        clients[i % clients.length]!.submitTask({
          queue: QUEUE,
          priority: BigInt((start + i) % 3),
          timeout: 60n,
        }),
      ),
    );
    for (const { task } of tasks) uuids.add(task!.uuid);
  }
  return uuids;
}

/** Claims and completes until the queue is empty; returns what it got. */
async function drain(client: CorndogsClient, workerId: string) {
  const mine: string[] = [];
  for (;;) {
    const { task } = await client.getNextTask({ queue: QUEUE, workerId });
    if (task === undefined) return mine;
    mine.push(task.uuid);
    await client.completeTask({
      uuid: task.uuid,
      queue: QUEUE,
      currentState: task.currentState,
      claimToken: task.claimToken,
    });
  }
}
