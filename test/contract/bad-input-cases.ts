/**
 * The bad-input matrix (issue #2, point 4): each case names the request,
 * the status code it must get and what the message must name. The suite
 * checks that none of them writes anything.
 */
import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import type { CorndogsClient } from "../../src/client/client.js";
import type { Task } from "../../src/gen/corndogs/v1alpha1/corndogs_pb.js";
import { TEST_MAX_PAYLOAD } from "../support/servers.js";

export interface BadInputCase {
  name: string;
  call: (client: CorndogsClient, existing: Task) => Promise<unknown>;
  code: Code;
  message: RegExp;
}

const LONG = "x".repeat(256);
/** 255 bytes of UTF-8 in 85 characters, plus one more: 258 bytes. */
const LONG_MULTIBYTE = "€".repeat(86);

function guardOf(task: Task) {
  return { uuid: task.uuid, queue: task.queue, currentState: task.currentState };
}

export function badInputCases(): BadInputCase[] {
  const invalid = (
    name: string,
    field: string,
    call: BadInputCase["call"],
    code = Code.InvalidArgument,
  ): BadInputCase => ({
    name,
    call,
    code,
    message: new RegExp(field.replace(".", "\\.")),
  });

  return [
    invalid("a submit without a queue", "queue must not be empty", (c) =>
      c.submitTask({ queue: "" }),
    ),
    invalid("a submit with a 256-byte queue", "queue is 256 bytes; the limit is 255", (c) =>
      c.submitTask({ queue: LONG }),
    ),
    invalid("a submit with a multibyte queue over 255 bytes", "queue is 258 bytes", (c) =>
      c.submitTask({ queue: LONG_MULTIBYTE }),
    ),
    invalid("a queue with a newline", "queue must not contain control", (c) =>
      c.submitTask({ queue: "a\nb" }),
    ),
    invalid("a state with a bell character", "current_state must not contain control", (c) =>
      c.submitTask({ queue: "q", currentState: "s\u0007" }),
    ),
    invalid("a 256-byte target state", "auto_target_state is 256 bytes", (c) =>
      c.submitTask({ queue: "q", autoTargetState: LONG }),
    ),
    invalid("a state too long for its default target", "current_state is 254 bytes; without an auto_target_state the limit is 247", (c) =>
      c.submitTask({ queue: "q", currentState: "s".repeat(254) }),
    ),
    invalid("a timeout over 366 days", "timeout is 31622401 seconds", (c) =>
      c.submitTask({ queue: "q", timeout: 31_622_401n }),
    ),
    invalid(
      "a payload over the limit",
      `payload is ${TEST_MAX_PAYLOAD + 1} bytes; the limit is ${TEST_MAX_PAYLOAD}`,
      (c) => c.submitTask({ queue: "q", payload: new Uint8Array(TEST_MAX_PAYLOAD + 1) }),
    ),
    invalid("a claim without a queue", "queue must not be empty", (c) =>
      c.getNextTask({ queue: "" }),
    ),
    invalid("a claim with an override timeout over 366 days", "override_timeout is", (c, t) =>
      c.getNextTask({ queue: t.queue, overrideTimeout: 10n ** 12n }),
    ),
    invalid("a worker id with a control character", "worker_id must not contain", (c, t) =>
      c.getNextTask({ queue: t.queue, workerId: "w\u0000" }),
    ),
    invalid("an override state over 255 bytes", "override_current_state is 256", (c, t) =>
      c.getNextTask({ queue: t.queue, overrideCurrentState: LONG }),
    ),
    invalid("a malformed uuid on update", "uuid must be a UUID", (c, t) =>
      c.updateTask({ ...guardOf(t), uuid: "not-a-uuid", newState: "x" }),
    ),
    invalid("an update without a new state", "new_state must not be empty", (c, t) =>
      c.updateTask({ ...guardOf(t), newState: "", priority: 5n }),
    ),
    invalid("an update payload over the limit", "payload is", (c, t) =>
      c.updateTask({
        ...guardOf(t),
        newState: "x",
        payload: new Uint8Array(TEST_MAX_PAYLOAD + 1),
      }),
    ),
    invalid("an update with a wrong claim token", "claim_token does not match", (c, t) =>
      c.updateTask({ ...guardOf(t), newState: "x", claimToken: "0".repeat(32) }),
      Code.FailedPrecondition,
    ),
    invalid("a claim token over 64 characters", "claim_token must be at most 64", (c, t) =>
      c.completeTask({ ...guardOf(t), claimToken: "a".repeat(65) }),
    ),
    invalid("a complete without a current state", "current_state must not be empty", (c, t) =>
      c.completeTask({ ...guardOf(t), currentState: "" }),
    ),
    invalid("a next task with a control character", "next_task.current_state must not contain", (c, t) =>
      c.completeTask({ ...guardOf(t), nextTask: { currentState: "a\tb" } }),
    ),
    invalid("a next task payload over the limit", "next_task.payload is", (c, t) =>
      c.completeTask({
        ...guardOf(t),
        nextTask: { payload: new Uint8Array(TEST_MAX_PAYLOAD + 1) },
      }),
    ),
    invalid("a cancel in the wrong state", 'is in state "submitted", not "working"', (c, t) =>
      c.cancelTask({ ...guardOf(t), currentState: "working" }),
      Code.FailedPrecondition,
    ),
    invalid("a malformed uuid on get", "uuid must be a UUID", (c) =>
      c.getTaskStateByID({ uuid: "123" }),
    ),
    invalid("a clean-up at a negative time", "at_time must be Unix nanoseconds", (c) =>
      c.cleanUpTimedOut({ atTime: -1n }),
    ),
    invalid("a clean-up of a 256-byte queue", "queue is 256 bytes", (c) =>
      c.cleanUpTimedOut({ queue: LONG }),
    ),
    invalid("state counts of a queue with a newline", "queue must not contain", (c) =>
      c.getTaskStateCounts({ queue: "a\nb" }),
    ),
    invalid("an unknown task id on complete", "not found", (c, t) =>
      c.completeTask({ ...guardOf(t), uuid: randomUUID() }),
      Code.NotFound,
    ),
  ];
}
