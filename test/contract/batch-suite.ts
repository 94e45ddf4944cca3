/**
 * Batches, multi-queue claims, long polls and lease extension (issue #4),
 * run like the SPEC §2 suite on every store over both protocols.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Code } from "@connectrpc/connect";
import type { CorndogsClient } from "../../src/client/client.js";
import type { StoreKind } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/servers.js";
import { rejection } from "./contract-suite.js";

export function batchSuite(kind: StoreKind, protocol: "grpc" | "json") {
  describe(`batches and long polls on ${kind} over ${protocol}`, () => {
    let server: TestServer;
    let client: CorndogsClient;
    const newQueue = () => `q-${randomUUID()}`;

    before(async () => {
      server = await startTestServer(kind);
      client = server.client(protocol);
    });
    after(() => server.stop());

    async function liveCount(queue: string) {
      return (await client.getTaskStateCounts({ queue })).count;
    }

    it("submits a batch in one step, in order", async () => {
      const queue = newQueue();
      const { tasks } = await client.submitTasks({
        tasks: [
          { queue, priority: 1n },
          { queue, currentState: "b" },
          { queue: `${queue}-other` },
        ],
      });
      assert.deepEqual(
        tasks.map((t) => [t.queue, t.currentState, t.priority]),
        [
          [queue, "submitted", 1n],
          [queue, "b", 0n],
          [`${queue}-other`, "submitted", 0n],
        ],
      );
      assert.equal(new Set(tasks.map((t) => t.uuid)).size, 3);
    });

    it("writes nothing of a batch with one bad task", async () => {
      const queue = newQueue();
      const err = await rejection(() =>
        client.submitTasks({ tasks: [{ queue }, { queue: "" }] }),
      );
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /tasks\[1\]\.queue must not be empty/);
      assert.equal(await liveCount(queue), 0n);
    });

    it("refuses an empty batch", async () => {
      const none = await rejection(() => client.getNextTasks({ queues: [] }));
      assert.match(none.rawMessage, /queues must name 1 to 100 queues/);
      const err = await rejection(() => client.submitTasks({ tasks: [] }));
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /tasks must hold 1 to 1000 entries/);
    });

    it("claims a batch best first, each with its own claim token", async () => {
      const queue = newQueue();
      await client.submitTasks({
        tasks: [0n, 9n, 5n, 1n].map((priority) => ({ queue, priority })),
      });
      const { tasks } = await client.getNextTasks({
        queues: [queue],
        limit: 3,
        workerId: "batcher",
      });
      assert.deepEqual(tasks.map((t) => t.priority), [9n, 5n, 1n]);
      assert.equal(new Set(tasks.map((t) => t.claimToken)).size, 3);
      assert.ok(tasks.every((t) => t.inFlight && t.workerId === "batcher"));
      const rest = await client.getNextTasks({ queues: [queue], limit: 3 });
      assert.deepEqual(rest.tasks.map((t) => t.priority), [0n]);
    });

    it("claims the best task across several queues", async () => {
      const [a, b, c] = [newQueue(), newQueue(), newQueue()];
      await client.submitTasks({
        tasks: [
          { queue: a, priority: 1n },
          { queue: b, priority: 7n },
          { queue: a, priority: 7n },
          { queue: c, priority: 100n },
        ],
      });
      const order = [];
      for (let i = 0; i < 4; i++) {
        const { tasks } = await client.getNextTasks({ queues: [a, b] });
        order.push(tasks.map((t) => `${t.queue === a ? "a" : "b"}${t.priority}`).join());
      }
      assert.deepEqual(order, ["b7", "a7", "a1", ""]);
    });

    it("completes a batch, each entry on its own", async () => {
      const queue = newQueue();
      const { tasks } = await client.submitTasks({
        tasks: [{ queue }, { queue }, { queue }],
      });
      const [ok, wrongState, badNext] = tasks;
      const { results } = await client.completeTasks({
        tasks: [
          {
            uuid: ok!.uuid,
            queue,
            currentState: "submitted",
            nextTask: { currentState: "step-2" },
          },
          { uuid: wrongState!.uuid, queue, currentState: "nope" },
          {
            uuid: badNext!.uuid,
            queue,
            currentState: "submitted",
            nextTask: { currentState: "x".repeat(256) },
          },
        ],
      });
      assert.equal(results[0]?.task?.currentState, "completed");
      assert.equal(results[0]?.nextTask?.currentState, "step-2");
      assert.equal(results[0]?.errorCode, "");
      assert.equal(results[1]?.errorCode, "failed_precondition");
      assert.match(results[1]!.errorMessage, /not "nope"/);
      assert.equal(results[1]?.task, undefined);
      assert.equal(results[2]?.errorCode, "invalid_argument");
      assert.match(results[2]!.errorMessage, /next_task\.current_state/);

      const counts = await client.getTaskStateCounts({ queue });
      assert.deepEqual(counts.stateCounts, { submitted: 2n, "step-2": 1n });
    });

    it("answers only failures when asked to omit the tasks", async () => {
      const queue = newQueue();
      const { tasks } = await client.submitTasks({
        tasks: [{ queue }, { queue }],
      });
      const { results } = await client.completeTasks({
        omitTasks: true,
        tasks: [
          {
            uuid: tasks[0]!.uuid,
            queue,
            currentState: "submitted",
            nextTask: { currentState: "step-2" },
          },
          { uuid: tasks[1]!.uuid, queue, currentState: "nope" },
        ],
      });
      assert.equal(results.length, 2);
      assert.equal(results[0]?.task, undefined);
      assert.equal(results[0]?.nextTask, undefined);
      assert.equal(results[0]?.errorCode, "");
      assert.equal(results[1]?.errorCode, "failed_precondition");
      const { task: done } = await client.getTaskStateByID({
        uuid: tasks[0]!.uuid,
      });
      assert.equal(done?.currentState, "completed", "completed all the same");
      const counts = await client.getTaskStateCounts({ queue });
      assert.deepEqual(counts.stateCounts, { submitted: 1n, "step-2": 1n });
    });

    it("completes each entry of a batch only under its own guard", async () => {
      const queue = newQueue();
      await client.submitTasks({ tasks: [{ queue }, { queue }, { queue }] });
      const { tasks } = await client.getNextTasks({
        queues: [queue],
        limit: 3,
      });
      assert.equal(tasks.length, 3);
      const [held, staleToken, wrongQueue] = tasks;
      const guard = (task: typeof held) => ({
        uuid: task!.uuid,
        queue,
        currentState: task!.currentState,
        claimToken: task!.claimToken,
      });
      const { results } = await client.completeTasks({
        tasks: [
          guard(held),
          { ...guard(staleToken), claimToken: "f".repeat(32) },
          { ...guard(wrongQueue), queue: `${queue}-other` },
        ],
      });
      assert.deepEqual(
        results.map((r) => r.errorCode),
        ["", "failed_precondition", "failed_precondition"],
      );
      assert.equal(results[0]?.task?.currentState, "completed");
      assert.equal(results[0]?.task?.uuid, held!.uuid);
      for (const kept of [staleToken, wrongQueue]) {
        const { task } = await client.getTaskStateByID({ uuid: kept!.uuid });
        assert.equal(task?.inFlight, true, "still held by its claimer");
        assert.equal(task?.claimToken, kept!.claimToken);
      }
    });

    it("refuses to complete one task twice in one batch", async () => {
      const queue = newQueue();
      await client.submitTask({ queue });
      const { task } = await client.getNextTask({ queue });
      const guard = { uuid: task!.uuid, queue, currentState: task!.currentState };
      const { results } = await client.completeTasks({
        tasks: [
          { ...guard, claimToken: "0".repeat(32), nextTask: { currentState: "wrong" } },
          { ...guard, claimToken: task!.claimToken, nextTask: { currentState: "right" } },
        ],
      });
      assert.equal(results[0]?.errorCode, "failed_precondition");
      assert.equal(results[1]?.errorCode, "invalid_argument");
      assert.match(results[1]!.errorMessage, /tasks\[1\]\.uuid repeats tasks\[0\]/);
      const { task: still } = await client.getTaskStateByID({ uuid: task!.uuid });
      assert.equal(still?.inFlight, true, "the holder can still complete it");
    });

    it("extends a lease under its claim token", async () => {
      const queue = newQueue();
      await client.submitTask({ queue, timeout: 5n });
      const { task } = await client.getNextTask({ queue });
      const { task: extended } = await client.extendLease({
        uuid: task!.uuid,
        queue,
        claimToken: task!.claimToken,
        timeout: 300n,
      });
      assert.equal(extended?.deadline, extended!.updateTime + 300n * 1_000_000_000n);
      assert.equal(extended?.claimToken, task!.claimToken);
      assert.equal(extended?.currentState, task!.currentState);

      const ownTimeout = await client.extendLease({
        uuid: task!.uuid,
        queue,
        claimToken: task!.claimToken,
      });
      assert.equal(
        ownTimeout.task?.deadline,
        ownTimeout.task!.updateTime + 5n * 1_000_000_000n,
      );
    });

    it("keeps the lease of a task without a timeout of its own", async () => {
      const queue = newQueue();
      await client.submitTask({ queue });
      const { task } = await client.getNextTask({ queue, overrideTimeout: 100n });
      const { task: same } = await client.extendLease({
        uuid: task!.uuid,
        queue,
        claimToken: task!.claimToken,
      });
      assert.equal(same?.deadline, task!.deadline, "not removed, not moved");
    });

    it("refuses to extend a lease that was lost", async () => {
      const queue = newQueue();
      await client.submitTask({ queue, timeout: 5n });
      const { task } = await client.getNextTask({ queue });
      await client.cleanUpTimedOut({ atTime: task!.deadline, queue });
      const err = await rejection(() =>
        client.extendLease({ uuid: task!.uuid, queue, claimToken: task!.claimToken }),
      );
      assert.equal(err.code, Code.FailedPrecondition);
      assert.match(err.rawMessage, /lease was lost/);
      const missing = await rejection(() =>
        client.extendLease({ uuid: task!.uuid, queue, claimToken: "" }),
      );
      assert.equal(missing.code, Code.InvalidArgument);
    });

    it("waits for a task that arrives during a long poll", async () => {
      const queue = newQueue();
      const claim = client.getNextTask({ queue, waitMs: 10_000n });
      await sleep(100);
      const { task: submitted } = await client.submitTask({ queue });
      const { task } = await claim;
      assert.equal(task?.uuid, submitted?.uuid);
      assert.equal(task?.inFlight, true);
    });

    it("answers empty when the wait ends without a task", async () => {
      const started = Date.now();
      const { tasks } = await client.getNextTasks({
        queues: [newQueue()],
        waitMs: 300n,
      });
      assert.deepEqual(tasks, []);
      assert.ok(Date.now() - started >= 290, "it waited");
    });

    it("wakes one waiting claim for one new task, not all", async () => {
      const queue = newQueue();
      const claims = Array.from({ length: 4 }, () =>
        client.getNextTask({ queue, waitMs: 2_000n }),
      );
      await sleep(200);
      await client.submitTask({ queue });
      const answers = await Promise.all(claims);
      assert.equal(answers.filter((a) => a.task !== undefined).length, 1);
    });

    it("claims nothing for a client that left while waiting", async () => {
      const queue = newQueue();
      const controller = new AbortController();
      const claim = client.getNextTask(
        { queue, waitMs: 10_000n },
        { signal: controller.signal },
      );
      await sleep(100);
      controller.abort();
      await assert.rejects(claim);
      await sleep(100);
      const { task } = await client.submitTask({ queue });
      await sleep(200);
      const back = await client.getTaskStateByID({ uuid: task!.uuid });
      assert.equal(back.task?.inFlight, false, "nobody holds it");
      assert.equal(back.task?.claimCount, 0n);
      const { task: claimed } = await client.getNextTask({ queue });
      assert.equal(claimed?.uuid, task?.uuid);
    });

    it("releases claimed tasks as if they had never been claimed", async () => {
      const queue = newQueue();
      await client.submitTasks({ tasks: [{ queue, timeout: 60n }, { queue }] });
      const { tasks } = await client.getNextTasks({ queues: [queue], limit: 2 });
      const [kept, released] = [tasks[0]!, tasks[1]!];
      const { uuids } = await client.releaseTasks({
        tasks: [
          {
            uuid: released.uuid,
            queue,
            claimToken: released.claimToken,
            fromState: "submitted",
          },
          {
            uuid: kept.uuid,
            queue,
            claimToken: "0".repeat(32),
            fromState: "submitted",
          },
        ],
      });
      assert.deepEqual(uuids, [released.uuid], "only the one held by its token");
      const { task: back } = await client.getTaskStateByID({ uuid: released.uuid });
      assert.equal(back?.inFlight, false);
      assert.equal(back?.currentState, "submitted");
      assert.equal(back?.autoTargetState, "submitted-working");
      assert.equal(back?.claimCount, 0n, "the claim is not counted");
      assert.equal(back?.claimToken, "");
      assert.equal(back?.workerId, "", "no worker ever held it");
      assert.equal(back?.claimTime, 0n);
      const { task: still } = await client.getTaskStateByID({ uuid: kept.uuid });
      assert.equal(still?.inFlight, true);

      const err = await rejection(() =>
        client.releaseTasks({
          tasks: [{ uuid: kept.uuid, queue, claimToken: kept.claimToken, fromState: "" }],
        }),
      );
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /tasks\[0\]\.from_state must not be empty/);
      const { task: unchanged } = await client.getTaskStateByID({ uuid: kept.uuid });
      assert.equal(unchanged?.inFlight, true, "a bad request changes nothing");
    });

    it("ends one worker's long polls on EndWaits, and only its", async () => {
      const queue = newQueue();
      const workerId = `ending-${queue}`;
      const started = Date.now();
      const ending = client.getNextTasks({
        queues: [queue],
        waitMs: 10_000n,
        workerId,
      });
      const other = client.getNextTask({
        queue,
        waitMs: 10_000n,
        workerId: `other-${queue}`,
      });
      await sleep(200);
      const { ended } = await client.endWaits({ workerId });
      assert.equal(ended, 1);
      assert.deepEqual((await ending).tasks, []);
      assert.ok(Date.now() - started < 5_000, "answered well before its wait");

      const { task: submitted } = await client.submitTask({ queue });
      const { task } = await other;
      assert.equal(task?.uuid, submitted?.uuid, "the other still waited");

      assert.equal((await client.endWaits({ workerId })).ended, 0);
      const err = await rejection(() => client.endWaits({ workerId: "" }));
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /worker_id must not be empty/);
    });

    it("rejects a wait over 60 seconds", async () => {
      const err = await rejection(() =>
        client.getNextTask({ queue: newQueue(), waitMs: 60_001n }),
      );
      assert.equal(err.code, Code.InvalidArgument);
      assert.match(err.rawMessage, /wait_ms must be 0 to 60000/);
    });
  });
}
