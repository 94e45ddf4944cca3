/**
 * The SQLite store moves its write-ahead log into the database file from
 * a thread of its own, so no request waits for a checkpoint, and the log
 * does not grow until the main connection's far-off fallback limit.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { TaskService } from "../src/service/task-service.js";
import { SqliteStore } from "../src/store/sqlite/sqlite-store.js";

const PAYLOAD_BYTES = 1000;
const TASKS = 2000;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

describe("the SQLite checkpoint thread", () => {
  let dir: string;
  let store: SqliteStore;
  let service: TaskService;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "corndogs-checkpoint-"));
    store = new SqliteStore(join(dir, "tasks.db"));
    await store.migrate();
    service = new TaskService(store, { maxPayloadBytes: 4096 });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("copies committed pages into the database file in the background", async () => {
    const dbFile = join(dir, "tasks.db");
    const inputs = Array.from({ length: TASKS }, (_, i) => ({
      queue: "checkpointed",
      currentState: "",
      autoTargetState: "",
      timeout: 30n,
      priority: 0n,
      payload: new Uint8Array(PAYLOAD_BYTES).fill(i % 251),
    }));
    for (let i = 0; i < inputs.length; i += 500) {
      await service.submitMany(inputs.slice(i, i + 500));
    }
    // Two megabytes were committed; the fallback limit (20,000 pages,
    // 80 MB) is far off, so only the thread can have moved them.
    const wanted = (TASKS * PAYLOAD_BYTES) / 2;
    const deadline = Date.now() + 5000;
    while ((await sizeOf(dbFile)) < wanted && Date.now() < deadline) {
      await sleep(50);
    }
    const size = await sizeOf(dbFile);
    assert.ok(size >= wanted, `database file is ${size} bytes, want >= ${wanted}`);
  });

  it("stops with the store and leaves every task readable", async () => {
    const path = join(dir, "reopened.db");
    const first = new SqliteStore(path);
    await first.migrate();
    const submitted = await new TaskService(first, {
      maxPayloadBytes: 64,
    }).submit({
      queue: "kept",
      currentState: "",
      autoTargetState: "",
      timeout: 30n,
      priority: 0n,
      payload: new Uint8Array([7]),
    });
    await first.close();
    const second = new SqliteStore(path);
    try {
      const found = await second.get(submitted.uuid);
      assert.equal(found?.uuid, submitted.uuid);
      assert.deepEqual([...(found?.payload ?? [])], [7]);
    } finally {
      await second.close();
    }
  });
});
