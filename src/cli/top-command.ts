/**
 * `corndogs top`: a live terminal view of queues, states, throughput and
 * workers that redraws itself every `--interval` seconds until Ctrl-C.
 */
import type { Command } from "commander";
import type { CorndogsClient } from "../client/client.js";
import {
  clientCommand,
  clientFrom,
  describeError,
  type ClientFlags,
} from "./client-command.js";
import { integerOption, numberOption } from "./parse.js";
import { isoTime } from "./print.js";
import { durationsView, queueStatsView, workersView } from "./stats-views.js";
import { table } from "./print.js";

interface TopFlags extends ClientFlags {
  interval: bigint;
  once?: boolean;
}

const MINUTE_NS = 60_000_000_000n;
/** Clear the screen and move the cursor home (ANSI). */
const CLEAR = "\u001b[2J\u001b[H";

/** The `top` command. */
export function topCommand(): Command {
  return clientCommand("top", "live view of queues, throughput and workers")
    .addOption(
      numberOption(
        "--interval <seconds>",
        "seconds between refreshes",
        integerOption("--interval", 1n, 3600n, "seconds"),
        2n,
      ),
    )
    .option("--once", "draw once and exit (for scripts and tests)")
    .action(async (flags: TopFlags) => {
      const client = clientFrom(flags);
      for (;;) {
        let screen: string;
        try {
          screen = await draw(client, flags.server);
        } catch (err) {
          screen = `corndogs top: ${describeError(err)} (retrying)`;
          if (flags.once === true) process.exitCode = 1;
        }
        process.stdout.write(
          flags.once === true ? `${screen}\n` : CLEAR + screen,
        );
        if (flags.once === true) return;
        await new Promise((resolve) =>
          setTimeout(resolve, Number(flags.interval) * 1000),
        );
      }
    });
}

/** One screen: queues, throughput of the last 5 minutes, durations, workers. */
async function draw(client: CorndogsClient, server: string): Promise<string> {
  const queues = await client.getQueueStats({});
  const now = queues.now;
  const window = { queue: "", since: now - 5n * MINUTE_NS, until: now };
  const [history, durations, workers] = await Promise.all([
    client.getCompletionHistory({ ...window, bucketMinutes: 5n }),
    client.getWorkDurations(window),
    client.getWorkers({ withinMinutes: 5n }),
  ]);

  const perQueue = new Map<string, [bigint, bigint, bigint]>();
  for (const b of history.buckets) {
    const [c, x, t] = perQueue.get(b.queue) ?? [0n, 0n, 0n];
    perQueue.set(b.queue, [c + b.completed, x + b.canceled, t + b.timedOut]);
  }
  const throughput = table(
    ["QUEUE", "DONE/MIN", "CANCELED", "TIMED OUT"],
    [...perQueue].map(([queue, [done, canceled, timedOut]]) => [
      queue,
      (Number(done) / 5).toFixed(1),
      String(canceled),
      String(timedOut),
    ]),
  );
  return [
    `corndogs top — ${server} — ${isoTime(now)}`,
    queueStatsView(queues),
    `last 5 minutes:\n${throughput}`,
    `work durations, last 5 minutes:\n${durationsView(durations)}`,
    `workers seen in the last 5 minutes:\n${workersView(workers, now)}`,
  ].join("\n\n");
}
