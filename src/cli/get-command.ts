/** `corndogs get <uuid>`: shows a task, live or archived. */
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { formatTask, printResponse } from "./print.js";

interface GetFlags extends ClientFlags {
  queue?: string;
}

/** The `get` command. */
export function getCommand(): Command {
  return clientCommand("get", "show a task, live or archived")
    .argument("<uuid>", "task id")
    .option("--queue <queue>", "fail unless the task belongs to this queue")
    .action((uuid: string, flags: GetFlags) =>
      run(async () => {
        const response = await clientFrom(flags).getTaskStateByID({
          uuid,
          queue: flags.queue ?? "",
        });
        printResponse(
          flags.json,
          pb.GetTaskStateByIDResponseSchema,
          response,
          () => (response.task ? formatTask(response.task) : "no task"),
        );
      }),
    );
}
