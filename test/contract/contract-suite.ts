/**
 * SPEC §2 as one suite, run unchanged against every store over both wire
 * protocols through a real server (see the *.test.ts files beside this).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CorndogsClient } from "../../src/client/client.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { SubmitTaskRequestSchema } from "../../src/gen/corndogs/v1alpha1/corndogs_pb.js";
import type { StoreKind } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/servers.js";
import { badInputCases } from "./bad-input-cases.js";

type SubmitFields = Omit<
  MessageInitShape<typeof SubmitTaskRequestSchema>,
  "queue" | "$typeName"
>;

const text = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs `call` and returns the ConnectError it must fail with. */
export async function rejection(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (err) {
    return ConnectError.from(err);
  }
  assert.fail("expected the call to fail");
}

/** Defines the contract suite for one store and one protocol. */
export function contractSuite(kind: StoreKind, protocol: "grpc" | "json") {
  describe(`SPEC §2 on ${kind} over ${protocol}`, () => {
    let server: TestServer;
    let client: CorndogsClient;
    /** A queue name no other test uses. */
    const newQueue = () => `q-${randomUUID()}`;

    before(async () => {
      server = await startTestServer(kind);
      client = server.client(protocol);
    });
    after(() => server.stop());

    async function submit(queue: string, fields: SubmitFields = {}) {
      const { task } = await client.submitTask({ queue, ...fields });
      assert.ok(task);
      return task;
    }

    async function claim(queue: string, fields: Record<string, unknown> = {}) {
      const { task } = await client.getNextTask({ queue, ...fields });
      return task;
    }

    async function get(uuid: string) {
      const { task } = await client.getTaskStateByID({ uuid });
      assert.ok(task);
      return task;
    }

    describe("submit", () => {
      it("applies the defaults to a bare task", async () => {
        const queue = newQueue();
        const task = await submit(queue);
        assert.match(task.uuid, /^[0-9a-f-]{36}$/);
        assert.equal(task.queue, queue);
        assert.equal(task.currentState, "submitted");
        assert.equal(task.autoTargetState, "submitted-working");
        assert.equal(task.timeout, 0n);
        assert.equal(task.priority, 0n);
        assert.equal(task.inFlight, false);
        assert.equal(task.claimCount, 0n);
        assert.ok(task.submitTime > 1_600_000_000_000_000_000n);
        assert.equal(task.updateTime, task.submitTime);
      });

      it("derives the target from a given state and keeps every field", async () => {
        const queue = newQueue();
        const task = await submit(queue, {
          currentState: "resize",
          timeout: 30n,
          priority: -7n,
          payload: text("hello"),
        });
        assert.equal(task.currentState, "resize");
        assert.equal(task.autoTargetState, "resize-working");
        assert.equal(task.timeout, 30n);
        assert.equal(task.priority, -7n);
        assert.equal(decode(task.payload), "hello");
      });

      it("treats a negative timeout as none", async () => {
        const task = await submit(newQueue(), { timeout: -5n });
        assert.equal(task.timeout, 0n);
      });

      it("accepts the extreme int64 priorities", async () => {
        const queue = newQueue();
        const max = 2n ** 63n - 1n;
        await submit(queue, { priority: -(2n ** 63n) });
        await submit(queue, { priority: max });
        assert.equal((await claim(queue))?.priority, max);
      });
    });

    describe("claim", () => {
      it("answers with no task, not an error, when none waits", async () => {
        assert.equal(await claim(newQueue()), undefined);
      });

      it("takes the highest priority first, then the oldest", async () => {
        const queue = newQueue();
        const low1 = await submit(queue, { priority: 0n });
        const high1 = await submit(queue, { priority: 5n });
        const low2 = await submit(queue, { priority: 0n });
        const high2 = await submit(queue, { priority: 5n });
        const order = [];
        for (let i = 0; i < 4; i++) order.push((await claim(queue))?.uuid);
        assert.deepEqual(order, [high1.uuid, high2.uuid, low1.uuid, low2.uuid]);
      });

      it("only takes tasks of the asked queue and state", async () => {
        const queue = newQueue();
        await submit(queue, { currentState: "other" });
        await submit(newQueue());
        assert.equal(await claim(queue), undefined);
        assert.equal((await claim(queue, { currentState: "other" }))?.currentState, "other-working");
      });

      it("swaps the states, returns the payload and records the claim", async () => {
        const queue = newQueue();
        const submitted = await submit(queue, { payload: text("data"), timeout: 60n });
        const task = await claim(queue, { workerId: "worker-7" });
        assert.ok(task);
        assert.equal(task.uuid, submitted.uuid);
        assert.equal(task.currentState, "submitted-working");
        assert.equal(task.autoTargetState, "submitted");
        assert.equal(decode(task.payload), "data");
        assert.equal(task.inFlight, true);
        assert.equal(task.workerId, "worker-7");
        assert.equal(task.claimCount, 1n);
        assert.match(task.claimToken, /^[0-9a-f]{32}$/);
        assert.equal(task.deadline, task.claimTime + 60n * 1_000_000_000n);
        assert.equal(task.submitTime, submitted.submitTime);
        assert.equal(await claim(queue), undefined, "an in-flight task is not claimed twice");
      });

      it("records claims without a worker id as anonymous", async () => {
        const queue = newQueue();
        await submit(queue);
        assert.equal((await claim(queue))?.workerId, "anonymous");
      });

      it("applies the state overrides", async () => {
        const queue = newQueue();
        await submit(queue);
        const task = await claim(queue, {
          overrideCurrentState: "processing",
          overrideAutoTargetState: "retry",
        });
        assert.equal(task?.currentState, "processing");
        assert.equal(task?.autoTargetState, "retry");
      });

      it("uses a positive override timeout as the lease", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 10n });
        const task = await claim(queue, { overrideTimeout: 100n });
        assert.equal(task?.deadline, task!.claimTime + 100n * 1_000_000_000n);
        assert.equal(task?.timeout, 10n, "the task keeps its own timeout");
      });

      it("clears the lease with a negative override timeout", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 10n });
        const task = await claim(queue, { overrideTimeout: -1n });
        assert.equal(task?.deadline, 0n);
        assert.equal(task?.inFlight, true);
      });

      it("gives no lease to a task without a timeout", async () => {
        const queue = newQueue();
        await submit(queue);
        assert.equal((await claim(queue))?.deadline, 0n);
      });
    });

    describe("timeouts", () => {
      it("sends an expired task back intact, in the state it was claimed from", async () => {
        const queue = newQueue();
        const submitted = await submit(queue, {
          timeout: 5n,
          priority: 3n,
          payload: text("keep me"),
        });
        const first = await claim(queue, { workerId: "slow" });
        assert.ok(first);

        const { timedOut } = await client.cleanUpTimedOut({
          atTime: first.deadline,
          queue,
        });
        assert.equal(timedOut, 1n);

        const back = await get(submitted.uuid);
        assert.equal(back.currentState, "submitted");
        assert.equal(back.autoTargetState, "submitted-working");
        assert.equal(back.inFlight, false);
        assert.equal(back.deadline, 0n);
        assert.equal(back.claimToken, "");
        assert.equal(back.timeout, 5n);
        assert.equal(back.priority, 3n);
        assert.equal(back.submitTime, submitted.submitTime);

        const second = await claim(queue);
        assert.equal(second?.uuid, submitted.uuid);
        assert.equal(decode(second!.payload), "keep me");
        assert.equal(second?.claimCount, 2n);
        assert.ok(second!.deadline > 0n, "the next claim gets a lease again");
      });

      it("leaves leases that have not run out", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 60n });
        const task = await claim(queue);
        const { timedOut } = await client.cleanUpTimedOut({
          atTime: task!.deadline - 1n,
          queue,
        });
        assert.equal(timedOut, 0n);
        assert.equal((await get(task!.uuid)).inFlight, true);
      });

      it("limits an on-demand clean-up to the named queue", async () => {
        const mine = newQueue();
        const other = newQueue();
        await submit(mine, { timeout: 1n });
        await submit(other, { timeout: 1n });
        const a = await claim(mine);
        const b = await claim(other);
        const at = a!.deadline > b!.deadline ? a!.deadline : b!.deadline;
        assert.equal((await client.cleanUpTimedOut({ atTime: at, queue: mine })).timedOut, 1n);
        assert.equal((await get(b!.uuid)).inFlight, true);
      });

      it("is swept by the server on its own", async () => {
        const queue = newQueue();
        const { uuid } = await submit(queue, { timeout: 1n });
        await claim(queue);
        const until = Date.now() + 10_000;
        while ((await get(uuid)).inFlight) {
          assert.ok(Date.now() < until, "the sweeper did not return the task");
          await sleep(100);
        }
        assert.equal((await get(uuid)).currentState, "submitted");
      });

      it("rejects a stale worker by its claim token and keeps the new claim", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 5n });
        const a = await claim(queue, { workerId: "a" });
        await client.cleanUpTimedOut({ atTime: a!.deadline, queue });
        const b = await claim(queue, { workerId: "b" });
        assert.equal(b?.uuid, a?.uuid);
        assert.notEqual(b?.claimToken, a?.claimToken);

        const guard = { uuid: a!.uuid, queue, currentState: a!.currentState };
        const err = await rejection(() =>
          client.completeTask({ ...guard, claimToken: a!.claimToken }),
        );
        assert.equal(err.code, Code.FailedPrecondition);
        assert.match(err.rawMessage, /claim_token/);
        const during = await get(a!.uuid);
        assert.equal(during.inFlight, true);
        assert.equal(during.claimToken, b?.claimToken);
        assert.equal(during.workerId, "b");

        const done = await client.completeTask({ ...guard, claimToken: b!.claimToken });
        assert.equal(done.task?.currentState, "completed");
      });
    });

    describe("update", () => {
      it("moves a task to a new state and sets its fields", async () => {
        const queue = newQueue();
        const t = await submit(queue, { payload: text("old") });
        const { task } = await client.updateTask({
          uuid: t.uuid,
          queue,
          currentState: "submitted",
          newState: "review",
          timeout: 9n,
          priority: 4n,
        });
        assert.equal(task?.currentState, "review");
        assert.equal(task?.autoTargetState, "review-working");
        assert.equal(task?.timeout, 9n);
        assert.equal(task?.priority, 4n);
        assert.equal(decode(task!.payload), "old", "absent payload is kept");
      });

      it("replaces the payload when present, empties it when empty", async () => {
        const queue = newQueue();
        const t = await submit(queue, { payload: text("old") });
        const guard = { uuid: t.uuid, queue, currentState: "submitted" };
        const replaced = await client.updateTask({
          ...guard,
          newState: "submitted",
          payload: text("new"),
        });
        assert.equal(decode(replaced.task!.payload), "new");
        const emptied = await client.updateTask({
          ...guard,
          newState: "submitted",
          payload: new Uint8Array(0),
        });
        assert.equal(emptied.task?.payload.length, 0);
      });

      it("fails on a state mismatch and changes nothing", async () => {
        const queue = newQueue();
        const t = await submit(queue, { priority: 1n });
        const err = await rejection(() =>
          client.updateTask({ uuid: t.uuid, queue, currentState: "wrong", newState: "x", priority: 9n }),
        );
        assert.equal(err.code, Code.FailedPrecondition);
        assert.match(err.rawMessage, /"submitted"/);
        assert.deepEqual(await get(t.uuid), t);
      });

      it("hands an in-flight task back as waiting", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 30n });
        const c = await claim(queue);
        const { task } = await client.updateTask({
          uuid: c!.uuid,
          queue,
          currentState: c!.currentState,
          newState: "retry",
          claimToken: c!.claimToken,
        });
        assert.equal(task?.inFlight, false);
        assert.equal(task?.deadline, 0n);
        assert.equal(task?.claimToken, "");
        assert.equal((await claim(queue, { currentState: "retry" }))?.uuid, c!.uuid);
      });

      it("keeps a task in flight on request and re-arms its deadline", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 5n });
        const c = await claim(queue);
        const { task } = await client.updateTask({
          uuid: c!.uuid,
          queue,
          currentState: c!.currentState,
          newState: c!.currentState,
          timeout: 120n,
          claimToken: c!.claimToken,
          keepInFlight: true,
        });
        assert.equal(task?.inFlight, true);
        assert.equal(task?.claimToken, c!.claimToken);
        assert.equal(task?.autoTargetState, "submitted", "keeps the way back");
        assert.equal(task?.deadline, task!.updateTime + 120n * 1_000_000_000n);
      });

      it("re-arms from the task's own timeout when a heartbeat names none", async () => {
        const queue = newQueue();
        await submit(queue, { timeout: 45n, priority: 3n });
        const c = await claim(queue);
        const { task } = await client.updateTask({
          uuid: c!.uuid,
          queue,
          currentState: c!.currentState,
          newState: c!.currentState,
          priority: 3n,
          claimToken: c!.claimToken,
          keepInFlight: true,
        });
        assert.equal(task?.timeout, 45n);
        assert.equal(task?.deadline, task!.updateTime + 45n * 1_000_000_000n);
      });

      it("refuses keep_in_flight for a waiting task", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const err = await rejection(() =>
          client.updateTask({ uuid: t.uuid, queue, currentState: "submitted", newState: "x", keepInFlight: true }),
        );
        assert.equal(err.code, Code.FailedPrecondition);
        assert.match(err.rawMessage, /not in flight/);
        assert.deepEqual(await get(t.uuid), t);
      });
    });

    describe("complete and cancel", () => {
      it("archives a completed task without its payload", async () => {
        const queue = newQueue();
        await submit(queue, { payload: text("x"), priority: 2n });
        const c = await claim(queue, { workerId: "w1" });
        await sleep(5);
        const { task, nextTask } = await client.completeTask({
          uuid: c!.uuid,
          queue,
          currentState: c!.currentState,
          claimToken: c!.claimToken,
        });
        assert.equal(nextTask, undefined);
        assert.equal(task?.currentState, "completed");
        assert.equal(task?.autoTargetState, "completed");
        assert.equal(task?.payload.length, 0);
        assert.equal(task?.priority, 2n);
        assert.equal(task?.workerId, "w1");
        assert.ok(task!.completeTime >= c!.claimTime);
        assert.equal(task?.workDuration, task!.completeTime - c!.claimTime);
        assert.ok(task!.workDuration >= 5_000_000n);
        assert.deepEqual(await get(c!.uuid), task);
        assert.equal(await claim(queue), undefined);
      });

      it("creates the next task in the same step", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const { nextTask } = await client.completeTask({
          uuid: t.uuid,
          queue,
          currentState: "submitted",
          nextTask: { currentState: "stage-2", payload: text("next"), priority: 8n },
        });
        assert.ok(nextTask);
        assert.equal(nextTask.queue, queue, "an empty queue means the same");
        assert.equal(nextTask.currentState, "stage-2");
        assert.equal(nextTask.autoTargetState, "stage-2-working");
        assert.equal(nextTask.priority, 8n);
        const claimed = await claim(queue, { currentState: "stage-2" });
        assert.equal(claimed?.uuid, nextTask.uuid);
        assert.equal(decode(claimed!.payload), "next");
      });

      it("changes nothing when the next task is invalid", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const err = await rejection(() =>
          client.completeTask({
            uuid: t.uuid,
            queue,
            currentState: "submitted",
            nextTask: { queue: "q".repeat(256) },
          }),
        );
        assert.equal(err.code, Code.InvalidArgument);
        assert.match(err.rawMessage, /next_task\.queue/);
        assert.deepEqual(await get(t.uuid), t);
        const counts = await client.getTaskStateCounts({ queue });
        assert.equal(counts.count, 1n);
      });

      it("cancels a task into the archive", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const { task } = await client.cancelTask({ uuid: t.uuid, queue, currentState: "submitted" });
        assert.equal(task?.currentState, "canceled");
        assert.equal(task?.autoTargetState, "canceled");
        assert.equal(task?.workDuration, 0n);
        assert.equal((await get(t.uuid)).currentState, "canceled");
      });

      it("refuses to change an archived task", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const guard = { uuid: t.uuid, queue, currentState: "submitted" };
        await client.completeTask(guard);
        const again = await rejection(() => client.completeTask(guard));
        assert.equal(again.code, Code.FailedPrecondition);
        assert.match(again.rawMessage, /already completed/);
        const cancel = await rejection(() => client.cancelTask(guard));
        assert.equal(cancel.code, Code.FailedPrecondition);
      });

      it("reports an unknown task as not found", async () => {
        const guard = { uuid: randomUUID(), queue: newQueue(), currentState: "submitted" };
        assert.equal((await rejection(() => client.completeTask(guard))).code, Code.NotFound);
        assert.equal((await rejection(() => client.cancelTask(guard))).code, Code.NotFound);
        assert.equal(
          (await rejection(() => client.updateTask({ ...guard, newState: "x" }))).code,
          Code.NotFound,
        );
      });

      it("refuses a guard naming another queue", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        const err = await rejection(() =>
          client.completeTask({ uuid: t.uuid, queue: "elsewhere", currentState: "submitted" }),
        );
        assert.equal(err.code, Code.FailedPrecondition);
        assert.deepEqual(await get(t.uuid), t);
      });
    });

    describe("get", () => {
      it("finds a task by id, and checks the queue when given", async () => {
        const queue = newQueue();
        const t = await submit(queue);
        assert.deepEqual((await client.getTaskStateByID({ uuid: t.uuid, queue })).task, t);
        assert.deepEqual(await get(t.uuid.toUpperCase()), t);
        const wrong = await rejection(() => client.getTaskStateByID({ uuid: t.uuid, queue: "other" }));
        assert.equal(wrong.code, Code.NotFound);
      });

      it("reports an unknown id as not found", async () => {
        const err = await rejection(() => client.getTaskStateByID({ uuid: randomUUID() }));
        assert.equal(err.code, Code.NotFound);
      });
    });

    describe("bad input", () => {
      for (const badCase of badInputCases()) {
        it(`rejects ${badCase.name} and writes nothing`, async () => {
          const queue = newQueue();
          const existing = await submit(queue, { payload: text("p"), priority: 1n });
          const before = await client.getQueueAndStateCounts({});

          const err = await rejection(() => badCase.call(client, existing));
          assert.equal(err.code, badCase.code, err.message);
          assert.match(err.rawMessage, badCase.message);

          assert.deepEqual(await client.getQueueAndStateCounts({}), before);
          assert.deepEqual(await get(existing.uuid), existing);
        });
      }
    });
  });

  describe(`SPEC §2 counts on ${kind} over ${protocol}`, () => {
    let server: TestServer;
    let client: CorndogsClient;
    before(async () => {
      server = await startTestServer(kind);
      client = server.client(protocol);
    });
    after(() => server.stop());

    it("counts live tasks per queue and state, never archived ones", async () => {
      for (const state of ["a", "a", "b"]) {
        await client.submitTask({ queue: "alpha", currentState: state });
      }
      await client.submitTask({ queue: "beta" });
      const done = await client.submitTask({ queue: "beta" });
      await client.completeTask({ uuid: done.task!.uuid, queue: "beta", currentState: "submitted" });
      await client.getNextTask({ queue: "alpha", currentState: "b" });

      const queues = await client.getQueues({});
      assert.deepEqual([...queues.queues].sort(), ["alpha", "beta"]);
      assert.equal(queues.totalTaskCount, 4n);

      const perQueue = await client.getQueueTaskCounts({});
      assert.deepEqual(perQueue.queueCounts, { alpha: 3n, beta: 1n });
      assert.equal(perQueue.totalTaskCount, 4n);

      const alpha = await client.getTaskStateCounts({ queue: "alpha" });
      assert.equal(alpha.queue, "alpha");
      assert.equal(alpha.count, 3n);
      assert.deepEqual(alpha.stateCounts, { a: 2n, "b-working": 1n });

      const empty = await client.getTaskStateCounts({ queue: "nothing" });
      assert.equal(empty.count, 0n);
      assert.deepEqual(empty.stateCounts, {});

      const all = await client.getQueueAndStateCounts({});
      assert.deepEqual(Object.keys(all.queueAndStateCounts).sort(), ["alpha", "beta"]);
      assert.equal(all.queueAndStateCounts.beta?.count, 1n);
      assert.deepEqual(all.queueAndStateCounts.beta?.stateCounts, { submitted: 1n });
      assert.deepEqual(all.queueAndStateCounts.alpha?.stateCounts, { a: 2n, "b-working": 1n });
    });
  });
}
