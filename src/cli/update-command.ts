/**
 * `corndogs update <uuid> <queue> <current-state> <new-state>`: a guarded
 * state change; the payload is replaced only when one is given.
 */
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { priorityOption, timeoutOption } from "./parse.js";
import { readPayload } from "./payload.js";
import { formatTask, printResponse } from "./print.js";

interface UpdateFlags extends ClientFlags {
  target?: string;
  timeout?: bigint;
  priority?: bigint;
  payload?: string;
  payloadFile?: string;
  claimToken?: string;
  keepInFlight?: boolean;
}

/** The `update` command. */
export function updateCommand(): Command {
  return clientCommand("update", "move a task to a new state")
    .argument("<uuid>", "task id")
    .argument("<queue>", "the task's queue")
    .argument("<current-state>", "the state the task must be in")
    .argument("<new-state>", "the state to move it to")
    .option(
      "--target <state>",
      "state a claim moves it to (default: <new-state>-working)",
    )
    .option(
      "--timeout <seconds>",
      "new lease length; 0 = none (default: the task's current timeout)",
      timeoutOption("--timeout"),
    )
    .option(
      "--priority <n>",
      "new priority (default: the task's current priority)",
      priorityOption,
    )
    .option("--payload <text>", "replace the payload with this UTF-8 text")
    .option(
      "--payload-file <path>",
      "replace the payload from a file (- = stdin)",
    )
    .option(
      "--claim-token <token>",
      "fail unless this claim still holds the task",
    )
    .option(
      "--keep-in-flight",
      "keep the claim and re-arm its lease (heartbeat)",
    )
    .action(
      (
        uuid: string,
        queue: string,
        currentState: string,
        newState: string,
        flags: UpdateFlags,
      ) =>
        run(async () => {
          const payload = await readPayload(
            { text: flags.payload, file: flags.payloadFile },
            "--payload or --payload-file",
          );
          const client = clientFrom(flags);
          // The wire cannot leave timeout and priority out, so options
          // not given keep the task's current values.
          const current =
            flags.timeout === undefined || flags.priority === undefined
              ? (await client.getTaskStateByID({ uuid, queue })).task
              : undefined;
          const response = await client.updateTask({
            uuid,
            queue,
            currentState,
            newState,
            autoTargetState: flags.target ?? "",
            timeout: flags.timeout ?? current?.timeout ?? 0n,
            priority: flags.priority ?? current?.priority ?? 0n,
            payload,
            claimToken: flags.claimToken ?? "",
            keepInFlight: flags.keepInFlight === true,
          });
          printResponse(
            flags.json,
            pb.UpdateTaskResponseSchema,
            response,
            () => (response.task ? formatTask(response.task) : "updated"),
          );
        }),
    );
}
