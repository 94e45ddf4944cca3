/**
 * `corndogs workers [queue]`: workers seen in the last N minutes, with
 * their claims, completions and timeouts.
 */
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { minutesOption, numberOption } from "./parse.js";
import { printResponse } from "./print.js";
import { workersView } from "./stats-views.js";

interface WorkersFlags extends ClientFlags {
  minutes: bigint;
}

/** The `workers` command. */
export function workersCommand(): Command {
  return clientCommand("workers", "list workers seen in the last minutes")
    .argument("[queue]", "only this queue")
    .addOption(
      numberOption(
        "--minutes <n>",
        "seen within the last N minutes",
        minutesOption("--minutes"),
        5n,
      ),
    )
    .action((queue: string | undefined, flags: WorkersFlags) =>
      run(async () => {
        const client = clientFrom(flags);
        const response = await client.getWorkers({
          queue: queue ?? "",
          withinMinutes: flags.minutes,
        });
        printResponse(flags.json, pb.GetWorkersResponseSchema, response, () =>
          workersView(response),
        );
      }),
    );
}
