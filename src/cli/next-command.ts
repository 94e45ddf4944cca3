/**
 * `corndogs next <queue>`: claims the next waiting task (GetNextTask) and
 * prints it with its payload; `--payload-only` writes just the payload.
 * `--wait` makes the claim a long poll: with no task waiting, the server
 * holds the request until one arrives or the wait is over.
 */
import { Option, type Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import {
  MAX_WAIT_SECONDS,
  overrideTimeoutOption,
  waitOption,
} from "./parse.js";
import { formatTask, printResponse } from "./print.js";

interface NextFlags extends ClientFlags {
  state?: string;
  worker?: string;
  overrideTimeout?: bigint;
  overrideState?: string;
  overrideTarget?: string;
  payloadOnly?: boolean;
  wait?: bigint;
}

/** The message when no task is waiting (a normal answer, exit 0). */
export const NO_TASK = "no task waiting";

/** Exit status of `--payload-only` when no task was waiting. */
export const NO_TASK_EXIT = 3;

/** The `next` command. */
export function nextCommand(): Command {
  return clientCommand("next", "claim the next waiting task of a queue")
    .argument("<queue>", "queue to claim from")
    .option("--state <state>", "state to claim from (default: submitted)")
    .option("--worker <id>", "who is claiming, recorded on the task")
    .option(
      "--override-timeout <seconds>",
      "lease for this claim: -1 clears it, 0 keeps the task's own",
      overrideTimeoutOption("--override-timeout"),
    )
    .option(
      "--wait <seconds>",
      "if no task waits, wait up to this long for one to arrive " +
        `(0 to ${MAX_WAIT_SECONDS}; default 0: answer at once)`,
      waitOption("--wait"),
    )
    .option("--override-state <state>", "state to move the task into")
    .option("--override-target <state>", "state a timeout returns it to")
    .addOption(
      new Option(
        "--payload-only",
        "write only the raw payload to stdout, and the task's uuid, " +
          "state and claim token to stderr (exit 3 if none waits)",
      ).conflicts("json"),
    )
    .action((queue: string, flags: NextFlags) =>
      run(async () => {
        const response = await clientFrom(flags).getNextTask({
          queue,
          currentState: flags.state ?? "",
          workerId: flags.worker ?? "",
          overrideTimeout: flags.overrideTimeout ?? 0n,
          overrideCurrentState: flags.overrideState ?? "",
          overrideAutoTargetState: flags.overrideTarget ?? "",
          waitMs: (flags.wait ?? 0n) * 1000n,
        });
        const task = response.task;
        if (flags.payloadOnly === true) {
          if (task === undefined) {
            process.stderr.write(`${NO_TASK}\n`);
            process.exitCode = NO_TASK_EXIT;
            return;
          }
          // What the caller needs to complete the task, kept off stdout.
          process.stderr.write(
            `uuid=${task.uuid} queue=${task.queue} ` +
              `current_state=${task.currentState} ` +
              `claim_token=${task.claimToken}\n`,
          );
          process.stdout.write(task.payload);
          return;
        }
        printResponse(flags.json, pb.GetNextTaskResponseSchema, response, () =>
          task ? formatTask(task) : NO_TASK,
        );
      }),
    );
}
