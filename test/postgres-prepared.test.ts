/**
 * The PostgreSQL store's prepared statements: a running instance keeps
 * working when another one changes a table's shape under its prepared
 * statements (a rolling upgrade that adds a column).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openStore } from "../src/store/open-store.js";
import type { TaskStore } from "../src/store/store.js";
import {
  POSTGRES_URL,
  createTestDatabase,
  type TestDatabase,
} from "./support/databases.js";

const newTask = {
  queue: "prepared",
  currentState: "submitted",
  autoTargetState: "submitted-working",
  timeout: 30n,
  priority: 0n,
  payload: new Uint8Array([1]),
};

describe("prepared statements on PostgreSQL", () => {
  let database: TestDatabase;
  let store: TaskStore;

  before(async () => {
    database = await createTestDatabase("postgres");
    store = openStore(database.url, { prepare: true });
    await store.migrate();
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it("are prepared afresh when a migration changes a table under them", async () => {
    await store.submit(newTask); // prepares task_insert (RETURNING *)
    const schema = new URL(database.url).searchParams.get("schema")!;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(
        `ALTER TABLE ${pg.escapeIdentifier(schema)}.tasks ADD COLUMN later int`,
      );
    } finally {
      await admin.end();
    }
    const task = await store.submit(newTask);
    assert.equal(task.queue, "prepared");
    assert.equal((await store.get(task.uuid))?.uuid, task.uuid);
  });
});
