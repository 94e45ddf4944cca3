/**
 * A claim whose caller left before receiving its tasks hands them back
 * exactly as they were, overrides and all, without counting an attempt.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TaskService } from "../src/service/task-service.js";
import { openStore } from "../src/store/open-store.js";
import type { TaskStore } from "../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`a claim for a caller who left, on ${kind}`, () => {
    let database: TestDatabase;
    let store: TaskStore;
    let service: TaskService;

    before(async () => {
      database = await createTestDatabase(kind);
      store = openStore(database.url);
      await store.migrate();
      service = new TaskService(store, { maxPayloadBytes: 1024 });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    it("restores states, lease and attempts even with overrides", async () => {
      const task = await service.submit({
        queue: "left",
        currentState: "",
        autoTargetState: "",
        timeout: 30n,
        priority: 0n,
        payload: new Uint8Array([1]),
      });
      // The caller leaves just as the database hands the task over.
      const caller = new AbortController();
      const claim = store.claim.bind(store);
      store.claim = async (c) => {
        const claimed = await claim(c);
        caller.abort();
        return claimed;
      };
      try {
        const got = await service.claim(
          {
            queue: "left",
            currentState: "",
            overrideTimeout: 0n,
            overrideCurrentState: "custom-working",
            overrideAutoTargetState: "failed",
            workerId: "leaver",
          },
          { signal: caller.signal },
        );
        assert.deepEqual(got, []);
      } finally {
        store.claim = claim;
      }

      const back = await store.get(task.uuid);
      assert.equal(back?.currentState, "submitted");
      assert.equal(back?.autoTargetState, "submitted-working");
      assert.equal(back?.inFlight, false);
      assert.equal(back?.deadline, 0n);
      assert.equal(back?.claimCount, 0n);
      assert.equal(back?.claimToken, "");
    });
  });
}
