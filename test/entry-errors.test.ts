/**
 * Validation errors name what they are about: each entry of a batch by
 * its index (`tasks[1].uuid`, `tasks[0].next_task.timeout`), as
 * SubmitTasks does, and a lease extension refuses a negative timeout
 * instead of reading it as 0.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { postJson, startTestServer, type TestServer } from "./support/servers.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe("per-entry and lease-extension validation errors", () => {
  let server: TestServer;
  const post = (method: string, body: object) =>
    postJson(server.baseUrl, method, JSON.stringify(body));

  before(async () => {
    server = await startTestServer("sqlite");
  });
  after(() => server.stop());

  it("CompleteTasks names the entry of each invalid one", async () => {
    const guard = { uuid: MISSING, queue: "q", currentState: "s" };
    const response = await post("CompleteTasks", {
      tasks: [
        { ...guard, nextTask: { timeout: "99999999999" } },
        { ...guard, uuid: "not-a-uuid" },
        { ...guard, claimToken: "t".repeat(65) },
        { ...guard, currentState: "" },
        { ...guard, nextTask: { queue: "a\nb" } },
        guard,
      ],
    });
    assert.equal(response.status, 200);
    const results = response.json.results as { errorCode?: string; errorMessage?: string }[];
    const expected = [
      /^tasks\[0\]\.next_task\.timeout is 99999999999 seconds; the limit/,
      /^tasks\[1\]\.uuid must be a UUID/,
      /^tasks\[2\]\.claim_token must be at most 64 printable characters/,
      /^tasks\[3\]\.current_state must not be empty$/,
      /^tasks\[4\]\.next_task\.queue must not contain control characters/,
    ];
    expected.forEach((message, i) => {
      assert.equal(results[i]!.errorCode, "invalid_argument", `entry ${i}`);
      assert.match(results[i]!.errorMessage!, message);
    });
    // A valid entry fails in the store, on its own.
    assert.equal(results[5]!.errorCode, "not_found");

    // A single CompleteTask has no entries to name.
    const single = await post("CompleteTask", { ...guard, nextTask: { timeout: "99999999999" } });
    assert.equal(single.status, 400);
    assert.match(single.json.message, /^next_task\.timeout is 99999999999 seconds/);
  });

  it("ReleaseTasks names the entry of an over-long claim token", async () => {
    const entry = { uuid: MISSING, queue: "q", claimToken: "t", fromState: "s" };
    const response = await post("ReleaseTasks", {
      tasks: [entry, { ...entry, claimToken: "t".repeat(65) }],
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.code, "invalid_argument");
    assert.match(response.json.message, /^tasks\[1\]\.claim_token must be at most 64/);
  });

  it("ExtendLease refuses a negative timeout and leaves the lease as it was", async () => {
    await post("SubmitTask", { queue: "lease", timeout: "300" });
    const { json: claimed } = await post("GetNextTask", { queue: "lease" });
    const task = claimed.task;
    assert.ok(task.deadline);

    const response = await post("ExtendLease", {
      uuid: task.uuid,
      queue: "lease",
      claimToken: task.claimToken,
      timeout: "-5",
    });
    assert.equal(response.status, 400);
    assert.equal(response.json.code, "invalid_argument");
    assert.match(
      response.json.message,
      /^timeout must be 0 \(the task's own timeout\) to 31622400 seconds \(366 days\), got -5$/,
    );

    const { json: after } = await post("GetTaskStateByID", { uuid: task.uuid });
    assert.equal(after.task.deadline, task.deadline);

    // 0 still means the task's own timeout.
    const own = await post("ExtendLease", {
      uuid: task.uuid,
      queue: "lease",
      claimToken: task.claimToken,
      timeout: "0",
    });
    assert.equal(own.status, 200);
    assert.equal(own.json.task.timeout, "300");
  });
});
