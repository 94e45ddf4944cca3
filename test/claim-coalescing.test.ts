/**
 * Concurrent claims of one queue and state share statements, and each
 * worker still gets its own tasks, recorded under its own id.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TaskService } from "../src/service/task-service.js";
import { openStore } from "../src/store/open-store.js";
import type { TaskStore } from "../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

const claimInput = (workerId: string, limit = 1) => ({
  queue: "shared",
  currentState: "",
  overrideTimeout: 0n,
  overrideCurrentState: "",
  overrideAutoTargetState: "",
  workerId,
  limit,
});

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`claim coalescing on ${kind}`, () => {
    let database: TestDatabase;
    let store: TaskStore;
    let service: TaskService;
    let statements = 0;

    before(async () => {
      database = await createTestDatabase(kind);
      store = openStore(database.url);
      await store.migrate();
      // Count the claim statements the real store runs.
      const claim = store.claim.bind(store);
      store.claim = (c) => {
        statements++;
        return claim(c);
      };
      service = new TaskService(store, { maxPayloadBytes: 1024 });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    it("serves 40 concurrent claims with fewer statements, each its own task", async () => {
      await service.submitMany(
        Array.from({ length: 50 }, () => ({
          queue: "shared",
          currentState: "",
          autoTargetState: "",
          timeout: 0n,
          priority: 0n,
          payload: new Uint8Array(),
        })),
      );
      statements = 0;
      const workers = Array.from({ length: 40 }, (_, i) => `w${i}`);
      const answers = await Promise.all(
        workers.map((w, i) => service.claim(claimInput(w, 1 + (i % 2)))),
      );

      assert.ok(statements < 40, `${statements} statements for 40 claims`);
      const all = answers.flat();
      assert.equal(all.length, 50, "every task claimed, 60 asked for");
      assert.equal(new Set(all.map((t) => t.uuid)).size, 50, "none twice");
      answers.forEach((tasks, i) => {
        assert.ok(tasks.length <= 1 + (i % 2), "nobody gets more than asked");
        for (const task of tasks) assert.equal(task.workerId, workers[i]);
      });
    });
  });
}
