/**
 * `corndogs timeout`: returns expired leases to waiting now
 * (CleanUpTimedOut), for every queue or one, and prints how many moved.
 */
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { timeOption } from "./parse.js";
import { printResponse } from "./print.js";

interface TimeoutFlags extends ClientFlags {
  queue?: string;
  at?: bigint;
}

/** The `timeout` command. */
export function timeoutCommand(): Command {
  return clientCommand("timeout", "return tasks whose lease ran out to waiting")
    .option("--queue <queue>", "only this queue (default: every queue)")
    .option(
      "--at <time>",
      "leases that ran out by this ISO time or Unix ns (default: now)",
      timeOption("--at"),
    )
    .action((flags: TimeoutFlags) =>
      run(async () => {
        const response = await clientFrom(flags).cleanUpTimedOut({
          queue: flags.queue ?? "",
          atTime: flags.at ?? 0n,
        });
        const n = response.timedOut;
        printResponse(
          flags.json,
          pb.CleanUpTimedOutResponseSchema,
          response,
          () =>
            `moved ${n} timed-out ${n === 1n ? "task" : "tasks"} to waiting`,
        );
      }),
    );
}
