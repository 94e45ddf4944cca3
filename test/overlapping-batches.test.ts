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
  });
}
