/** `corndogs submit <queue> [payload]`: creates a waiting task. */
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

interface SubmitFlags extends ClientFlags {
  state?: string;
  target?: string;
  timeout?: bigint;
  priority?: bigint;
  payloadFile?: string;
  stdin?: boolean;
}

/** The `submit` command. */
export function submitCommand(): Command {
  return clientCommand("submit", "submit a task to a queue")
    .argument("<queue>", "queue to submit to")
    .argument("[payload]", "payload text, sent as UTF-8")
    .option("--state <state>", "initial state (default: submitted)")
    .option(
      "--target <state>",
      "state a claim moves it to (default: <state>-working)",
    )
    .option(
      "--timeout <seconds>",
      "lease length on claim; 0 = none",
      timeoutOption("--timeout"),
    )
    .option(
      "--priority <n>",
      "higher is claimed first (default: 0)",
      priorityOption,
    )
    .option("--payload-file <path>", "read the payload from a file (- = stdin)")
    .option("--stdin", "read the payload from standard input")
    .action((queue: string, text: string | undefined, flags: SubmitFlags) =>
      run(async () => {
        const payload = await readPayload(
          { text, file: flags.payloadFile, stdin: flags.stdin },
          "[payload], --payload-file or --stdin",
        );
        const response = await clientFrom(flags).submitTask({
          queue,
          currentState: flags.state ?? "",
          autoTargetState: flags.target ?? "",
          timeout: flags.timeout ?? 0n,
          priority: flags.priority ?? 0n,
          payload: payload ?? new Uint8Array(),
        });
        printResponse(flags.json, pb.SubmitTaskResponseSchema, response, () =>
          response.task ? formatTask(response.task) : "submitted",
        );
      }),
    );
}
