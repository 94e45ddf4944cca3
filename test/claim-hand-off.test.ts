/**
 * A task submitted while a long-poll claim of the same instance waits for
 * its queue and state is created claimed for that claim and handed to it,
 * without the claim looking again — unless a better task already waits,
 * which the claim then gets instead, as any claim would.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Task } from "../src/domain/task.js";
import { TaskService } from "../src/service/task-service.js";
import { openStore } from "../src/store/open-store.js";
import type { TaskStore } from "../src/store/store.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";

const newTask = (queue: string, priority = 0n) => ({
  queue,
  currentState: "",
  autoTargetState: "",
  timeout: 30n,
  priority,
  payload: new Uint8Array([1]),
});

const claimOf = (queue: string, workerId: string) => ({
  queue,
  currentState: "",
  overrideTimeout: 0n,
  overrideCurrentState: "",
  overrideAutoTargetState: "",
  workerId,
});

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`handing a new task to a waiting claim, on ${kind}`, () => {
    let database: TestDatabase;
    let store: TaskStore;
    let service: TaskService;
    let queueNumber = 0;
    const newQueue = () => `hand-off-${++queueNumber}`;

    before(async () => {
      database = await createTestDatabase(kind);
      store = openStore(database.url);
      await store.migrate();
      service = new TaskService(store, { maxPayloadBytes: 1024 });
    });
    after(async () => {
      service.stopWaiting();
      await store.close();
      await database.drop();
    });

    /**
     * Starts a long-poll claim; resolves once it waits, with its answer
     * to come (wrapped, so that awaiting this does not await the answer).
     */
    async function waitingClaim(queue: string, signal?: AbortSignal) {
      const before = service.waiters.size;
      const answer = service.claim(claimOf(queue, "waiter"), {
        waitMs: 5000,
        signal,
      });
      while (service.waiters.size === before) await sleep(5);
      await sleep(20); // past its first look, asleep
      return { answer };
    }

    /** Counts the claim statements the store runs from now on. */
    function countClaims() {
      const claim = store.claim.bind(store);
      const counter = { calls: 0, restore: () => (store.claim = claim) };
      store.claim = (c) => {
        counter.calls++;
        return claim(c);
      };
      return counter;
    }

    it("creates the task claimed for the waiting claim", async () => {
      const queue = newQueue();
      const { answer: claimed } = await waitingClaim(queue);
      const looks = countClaims();
      let submitted: Task;
      let got: Task[];
      try {
        submitted = await service.submit(newTask(queue));
        got = await claimed;
      } finally {
        looks.restore();
      }
      assert.equal(looks.calls, 0, "the claim did not look again");
      assert.equal(got.length, 1);
      assert.equal(got[0]!.uuid, submitted.uuid);
      assert.equal(got[0]!.inFlight, true);
      assert.equal(got[0]!.currentState, "submitted-working");
      assert.equal(got[0]!.workerId, "waiter");
      assert.equal(got[0]!.claimCount, 1n);
      assert.match(got[0]!.claimToken, /^[0-9a-f]{32}$/);
      assert.ok(got[0]!.deadline > got[0]!.claimTime, "a lease is armed");

      // The submitter sees the task as created, not the claim.
      assert.equal(submitted.inFlight, false);
      assert.equal(submitted.currentState, "submitted");
      assert.equal(submitted.autoTargetState, "submitted-working");
      assert.equal(submitted.claimToken, "");
      assert.equal(submitted.claimCount, 0n);

      const stored = await store.get(submitted.uuid);
      assert.equal(stored?.inFlight, true);
      assert.equal(stored?.claimToken, got[0]!.claimToken);
      // Completes like any claimed task.
      await service.complete(
        {
          uuid: got[0]!.uuid,
          queue,
          currentState: got[0]!.currentState,
          claimToken: got[0]!.claimToken,
        },
        undefined,
      );
      assert.equal((await store.get(submitted.uuid))?.currentState, "completed");
    });

    it("gives the claim a better task already waiting instead", async () => {
      const queue = newQueue();
      const { answer: claimed } = await waitingClaim(queue);
      // Arrives without waking anyone, as from an instance whose
      // notification has not come yet.
      const better = await store.submit({
        ...newTask(queue, 5n),
        currentState: "submitted",
        autoTargetState: "submitted-working",
      });
      const worse = await service.submit(newTask(queue, 1n));
      const got = await claimed;
      assert.deepEqual(
        got.map((task) => task.uuid),
        [better.uuid],
      );
      const left = await store.get(worse.uuid);
      assert.equal(left?.inFlight, false, "the new task waits");
      assert.equal(left?.currentState, "submitted");
    });

    it("hands the task back when the claim's caller left meanwhile", async () => {
      const queue = newQueue();
      const caller = new AbortController();
      const { answer: claimed } = await waitingClaim(queue, caller.signal);
      const submitAndClaim = store.submitAndClaim.bind(store);
      store.submitAndClaim = async (task, claim) => {
        const created = await submitAndClaim(task, claim);
        caller.abort(); // leaves just as the task is created for it
        return created;
      };
      let submitted: Task;
      try {
        submitted = await service.submit(newTask(queue));
      } finally {
        store.submitAndClaim = submitAndClaim;
      }
      assert.deepEqual(await claimed, []);
      const task = await store.get(submitted.uuid);
      assert.equal(task?.inFlight, false);
      assert.equal(task?.currentState, "submitted");
      assert.equal(task?.autoTargetState, "submitted-working");
      assert.equal(task?.claimCount, 0n, "no attempt counted");
      assert.equal(task?.claimToken, "");
    });
  });
}
