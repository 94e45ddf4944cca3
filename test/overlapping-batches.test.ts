/**
 * Concurrent CompleteTasks batches over the same tasks, in different
 * orders (as clients completing without claim tokens may send them):
 * each task is completed by exactly one batch, every other entry is told
 * the task is no longer there, and no batch fails as a whole (on
 * PostgreSQL, row locks taken in each batch's own order used to deadlock).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CorndogsClient } from "../src/client/client.js";
import { startTestServer, type TestServer } from "./support/servers.js";

const TASKS = 200;
const BATCHES = 4;
const ROUNDS = 5;

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

for (const kind of ["postgres", "sqlite"] as const) {
  describe(`overlapping batch completions on ${kind}`, () => {
    let server: TestServer;
    let client: CorndogsClient;

    before(async () => {
      server = await startTestServer(kind);
      client = server.client();
    });
    after(() => server.stop());

    it("complete each task once, and fail no batch as a whole", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const queue = `overlap-${round}`;
        const { tasks } = await client.submitTasks({
          tasks: Array.from({ length: TASKS }, () => ({ queue })),
        });
        const entries = tasks.map((task) => ({
          uuid: task.uuid,
          queue,
          currentState: task.currentState,
        }));
        const answers = await Promise.all(
          Array.from({ length: BATCHES }, (_, b) => {
            const order = shuffled(entries, round * BATCHES + b + 1);
            return client
              .completeTasks({ tasks: order, omitTasks: true })
              .then(({ results }) =>
                results.map((result, i) => ({
                  uuid: order[i]!.uuid,
                  code: result.errorCode,
                })),
              );
          }),
        );
        const completedBy = new Map<string, number>();
        for (const answer of answers.flat()) {
          if (answer.code === "") {
            completedBy.set(
              answer.uuid,
              (completedBy.get(answer.uuid) ?? 0) + 1,
            );
          } else {
            assert.match(answer.code, /^(not_found|failed_precondition)$/);
          }
        }
        assert.equal(completedBy.size, TASKS);
        assert.ok([...completedBy.values()].every((times) => times === 1));
        assert.equal((await client.getTaskStateCounts({ queue })).count, 0n);
      }
    });

    it("release and complete the same claimed tasks, each task one way", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const queue = `overlap-release-${round}`;
        await client.submitTasks({
          tasks: Array.from({ length: TASKS }, () => ({ queue, timeout: 60n })),
        });
        const { tasks } = await client.getNextTasks({
          queues: [queue],
          limit: TASKS,
        });
        assert.equal(tasks.length, TASKS);
        const calls = Array.from({ length: BATCHES }, (_, b) => {
          const order = shuffled(tasks, round * BATCHES + b + 7);
          return b % 2 === 0
            ? client
                .releaseTasks({
                  tasks: order.map((task) => ({
                    uuid: task.uuid,
                    queue,
                    claimToken: task.claimToken,
                    fromState: "submitted",
                  })),
                })
                .then(({ uuids }) =>
                  uuids.map((uuid) => ({ uuid, how: "released" })),
                )
            : client
                .completeTasks({
                  tasks: order.map((task) => ({
                    uuid: task.uuid,
                    queue,
                    currentState: task.currentState,
                    claimToken: task.claimToken,
                  })),
                  omitTasks: true,
                })
                .then(({ results }) =>
                  results.flatMap((result, i) =>
                    result.errorCode === ""
                      ? [{ uuid: order[i]!.uuid, how: "completed" }]
                      : [],
                  ),
                );
        });
        const outcomes = (await Promise.all(calls)).flat();
        const ways = new Map<string, string[]>();
        for (const { uuid, how } of outcomes)
          ways.set(uuid, [...(ways.get(uuid) ?? []), how]);
        assert.equal(ways.size, TASKS, "every task released or completed");
        assert.ok(
          [...ways.values()].every((how) => how.length === 1),
          "and only once",
        );
        const released = [...ways.values()].filter(
          ([how]) => how === "released",
        ).length;
        assert.equal(
          (await client.getTaskStateCounts({ queue })).count,
          BigInt(released),
        );
      }
    });
  });
}
