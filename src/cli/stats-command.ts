/**
 * `corndogs stats [queue]`: queues (waiting, in flight, oldest), work
 * durations, timeouts and the completion history over a window.
 */
import { toJson } from "@bufbuild/protobuf";
import type { Command } from "commander";
import * as pb from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import {
  durationsView,
  historyView,
  queueStatsView,
  timeoutsView,
} from "./stats-views.js";
import { say } from "./print.js";
import { minutesOption, numberOption } from "./parse.js";

interface StatsFlags extends ClientFlags {
  minutes: bigint;
  bucket: bigint;
}

const MINUTE_NS = 60_000_000_000n;

/** The `stats` command. */
export function statsCommand(): Command {
  return clientCommand(
    "stats",
    "show queue, duration, timeout and history statistics",
  )
    .argument("[queue]", "only this queue")
    .addOption(
      numberOption(
        "--minutes <n>",
        "window: the last N minutes",
        minutesOption("--minutes"),
        60n,
      ),
    )
    .addOption(
      numberOption(
        "--bucket <minutes>",
        "history bucket width, in minutes",
        minutesOption("--bucket"),
        10n,
      ),
    )
    .action((queue: string | undefined, flags: StatsFlags) =>
      run(async () => {
        const client = clientFrom(flags);
        const q = queue ?? "";
        const queues = await client.getQueueStats({ queue: q });
        const window = {
          queue: q,
          since: queues.now - flags.minutes * MINUTE_NS,
          until: queues.now,
        };
        const [durations, timeouts, history] = await Promise.all([
          client.getWorkDurations(window),
          client.getTimeoutStats(window),
          client.getCompletionHistory({
            ...window,
            bucketMinutes: flags.bucket,
          }),
        ]);
        if (flags.json === true) {
          say(
            JSON.stringify({
              queues: toJson(pb.GetQueueStatsResponseSchema, queues),
              durations: toJson(pb.GetWorkDurationsResponseSchema, durations),
              timeouts: toJson(pb.GetTimeoutStatsResponseSchema, timeouts),
              history: toJson(pb.GetCompletionHistoryResponseSchema, history),
            }),
          );
          return;
        }
        say(
          [
            queueStatsView(queues),
            `work durations, last ${flags.minutes} min:\n${durationsView(durations)}`,
            `timeouts, last ${flags.minutes} min:\n${timeoutsView(timeouts)}`,
            `history, last ${flags.minutes} min:\n${historyView(history)}`,
          ].join("\n\n"),
        );
      }),
    );
}
