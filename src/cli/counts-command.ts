/**
 * `corndogs counts [queue]`: live tasks per queue and state as a table
 * (GetQueueAndStateCounts), or per state of one queue
 * (GetTaskStateCounts).
 */
import type { Command } from "commander";
import {
  GetQueueAndStateCountsResponseSchema,
  GetTaskStateCountsResponseSchema,
  type GetQueueAndStateCountsResponse,
  type GetTaskStateCountsResponse,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import {
  clientCommand,
  clientFrom,
  run,
  type ClientFlags,
} from "./client-command.js";
import { printResponse, table } from "./print.js";

/** The `counts` command. */
export function countsCommand(): Command {
  return clientCommand("counts", "count live tasks per queue and state")
    .argument("[queue]", "count only this queue, per state")
    .action((queue: string | undefined, flags: ClientFlags) =>
      run(async () => {
        const client = clientFrom(flags);
        if (queue === undefined) {
          const response = await client.getQueueAndStateCounts({});
          printResponse(
            flags.json,
            GetQueueAndStateCountsResponseSchema,
            response,
            () => allCountsTable(response),
          );
        } else {
          const response = await client.getTaskStateCounts({ queue });
          printResponse(
            flags.json,
            GetTaskStateCountsResponseSchema,
            response,
            () => queueCountsTable(response),
          );
        }
      }),
    );
}

function byName<T>(map: Record<string, T>): [string, T][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every queue and state, a total per queue and a grand total. */
export function allCountsTable(response: GetQueueAndStateCountsResponse) {
  const rows: string[][] = [];
  let total = 0n;
  for (const [queue, counts] of byName(response.queueAndStateCounts)) {
    for (const [state, count] of byName(counts.stateCounts)) {
      rows.push([queue, state, String(count)]);
    }
    rows.push([queue, "(all)", String(counts.count)]);
    total += counts.count;
  }
  rows.push(["(all)", "(all)", String(total)]);
  return table(["QUEUE", "STATE", "COUNT"], rows);
}

/** The states of one queue and its total. */
export function queueCountsTable(response: GetTaskStateCountsResponse) {
  const rows = byName(response.stateCounts).map(([state, count]) => [
    state,
    String(count),
  ]);
  rows.push(["(all)", String(response.count)]);
  return table(["STATE", "COUNT"], rows);
}
