/**
 * `corndogs complete <uuid> <queue> <current-state>`: archives a task as
 * completed and, when any `--next-*` option is given, creates the next
 * task in the same transaction.
 */
import { create } from "@bufbuild/protobuf";
import type { Command } from "commander";
import {
  CompleteTaskResponseSchema,
  SubmitTaskRequestSchema,
  type SubmitTaskRequest,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { integerOption, timeoutOption } from "./parse.js";
import { readPayload } from "./payload.js";
import { formatTask, printResponse } from "./print.js";

interface CompleteFlags extends ClientFlags {
  claimToken?: string;
  nextQueue?: string;
  nextState?: string;
  nextTarget?: string;
  nextTimeout?: bigint;
  nextPriority?: bigint;
  nextPayload?: string;
  nextPayloadFile?: string;
}

const NEXT_FLAGS = [
  "nextQueue",
  "nextState",
  "nextTarget",
  "nextTimeout",
  "nextPriority",
  "nextPayload",
  "nextPayloadFile",
] as const;

/** The `complete` command. */
export function completeCommand(): Command {
  return clientCommand(
    "complete",
    "complete a task, optionally creating the next one",
  )
    .argument("<uuid>", "task id")
    .argument("<queue>", "the task's queue")
    .argument("<current-state>", "the state the task must be in")
    .option(
      "--claim-token <token>",
      "fail unless this claim still holds the task",
    )
    .option(
      "--next-queue <queue>",
      "queue of the next task (default: same queue)",
    )
    .option(
      "--next-state <state>",
      "state of the next task (default: submitted)",
    )
    .option("--next-target <state>", "target state of the next task")
    .option(
      "--next-timeout <seconds>",
      "lease length of the next task",
      timeoutOption("--next-timeout"),
    )
    .option(
      "--next-priority <n>",
      "priority of the next task",
      integerOption("--next-priority"),
    )
    .option("--next-payload <text>", "payload of the next task, as UTF-8")
    .option(
      "--next-payload-file <path>",
      "payload of the next task from a file (- = stdin)",
    )
    .action(
      (
        uuid: string,
        queue: string,
        currentState: string,
        flags: CompleteFlags,
      ) =>
        run(async () => {
          const nextTask = await nextTaskFrom(queue, flags);
          const response = await clientFrom(flags).completeTask({
            uuid,
            queue,
            currentState,
            claimToken: flags.claimToken ?? "",
            nextTask,
          });
          printResponse(
            flags.json,
            CompleteTaskResponseSchema,
            response,
            () => {
              const parts = [
                response.task ? formatTask(response.task) : "completed",
              ];
              if (response.nextTask) {
                parts.push("", "next task:", formatTask(response.nextTask));
              }
              return parts.join("\n");
            },
          );
        }),
    );
}

/** The next task the `--next-*` options describe, if any is given. */
async function nextTaskFrom(
  queue: string,
  flags: CompleteFlags,
): Promise<SubmitTaskRequest | undefined> {
  if (!NEXT_FLAGS.some((name) => flags[name] !== undefined)) return undefined;
  const payload = await readPayload(
    { text: flags.nextPayload, file: flags.nextPayloadFile },
    "--next-payload or --next-payload-file",
  );
  return create(SubmitTaskRequestSchema, {
    queue: flags.nextQueue ?? queue,
    currentState: flags.nextState ?? "",
    autoTargetState: flags.nextTarget ?? "",
    timeout: flags.nextTimeout ?? 0n,
    priority: flags.nextPriority ?? 0n,
    payload: payload ?? new Uint8Array(),
  });
}
