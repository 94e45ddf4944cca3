/** `corndogs cancel <uuid> <queue> <current-state>`: archives as canceled. */
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { formatTask, printResponse } from "./print.js";

interface CancelFlags extends ClientFlags {
  claimToken?: string;
}

/** The `cancel` command. */
export function cancelCommand(): Command {
  return clientCommand("cancel", "cancel a task")
    .argument("<uuid>", "task id")
    .argument("<queue>", "the task's queue")
    .argument("<current-state>", "the state the task must be in")
    .option(
      "--claim-token <token>",
      "fail unless this claim still holds the task",
    )
    .action(
      (uuid: string, queue: string, currentState: string, flags: CancelFlags) =>
        run(async () => {
          const response = await clientFrom(flags).cancelTask({
            uuid,
            queue,
            currentState,
            claimToken: flags.claimToken ?? "",
          });
          printResponse(
            flags.json,
            pb.CancelTaskResponseSchema,
            response,
            () => (response.task ? formatTask(response.task) : "canceled"),
          );
        }),
    );
}
