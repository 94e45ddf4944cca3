/**
 * Stage 1 of the license-words workflow, in TypeScript over gRPC: claims
 * "count-words" tasks, counts the words of each task's file and completes
 * the task together with its stage-2 task ("merge-counts", payload
 * `{"path", "counts"}`). The completion and the new task happen in one
 * transaction, so a file is never counted-but-lost nor merged twice.
 *
 *     node --import tsx examples/license-words/stage1-count.ts \
 *       [--server URL] [--idle-exit SECONDS]
 *
 * Exits once nothing has been waiting for --idle-exit seconds (default 0:
 * at the first empty claim). Prints one JSON line per task counted.
 */
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../../src/client/client.js";
import type { Task } from "../../src/gen/corndogs/v1alpha1/corndogs_pb.js";
import { countWords } from "./words.js";
import {
  COUNT_STATE,
  LEASE_SECONDS,
  MERGE_STATE,
  QUEUE,
  decodeCountPayload,
  encodePayload,
  serverUrl,
} from "./workflow.js";

/** How this worker names itself on claims. */
const WORKER_ID = "ts-stage1";

/** Pause between two empty claims while waiting for work. */
const POLL_MS = 200;

/** Claims the next waiting stage-1 task, if any. */
async function claim(client: CorndogsClient): Promise<Task | undefined> {
  const { task } = await client.getNextTask({
    queue: QUEUE,
    currentState: COUNT_STATE,
    workerId: WORKER_ID,
  });
  return task;
}

/** One file's words, as stage 1 hands them to stage 2. */
interface FileCounts {
  path: string;
  counts: Map<string, number>;
}

/** Reads the task's file and counts its words. */
async function countFile(task: Task): Promise<FileCounts> {
  const { path } = decodeCountPayload(task.payload);
  return { path, counts: countWords(await readFile(path, "utf8")) };
}

/**
 * Completes the task, under its claim token, together with its stage-2
 * task. Returns what it did, for the log.
 */
async function handOn(client: CorndogsClient, task: Task, file: FileCounts) {
  const { path, counts } = file;
  const response = await client.completeTask({
    uuid: task.uuid,
    queue: task.queue,
    currentState: task.currentState,
    claimToken: task.claimToken,
    nextTask: {
      queue: QUEUE,
      currentState: MERGE_STATE,
      timeout: LEASE_SECONDS,
      payload: encodePayload({ path, counts: Object.fromEntries(counts) }),
    },
  });
  const words = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return {
    uuid: task.uuid,
    path,
    words,
    distinct: counts.size,
    next_uuid: response.nextTask?.uuid,
  };
}

/**
 * Gives up on a task whose file cannot be counted (unreadable, bad
 * payload): cancels it under the claim token, so that it neither blocks
 * the queue nor comes back forever, and says why on stderr.
 */
async function giveUp(client: CorndogsClient, task: Task, error: unknown) {
  console.error(`canceling task ${task.uuid}: ${String(error)}`);
  await client.cancelTask({
    uuid: task.uuid,
    queue: task.queue,
    currentState: task.currentState,
    claimToken: task.claimToken,
  });
}

/**
 * Counts one claimed task's file and hands it on; returns false when the
 * file could not be counted and the task was canceled. A failing server
 * call is not caught: the worker stops, and the lease gives the task back.
 */
async function handle(client: CorndogsClient, task: Task) {
  let file: FileCounts;
  try {
    file = await countFile(task);
  } catch (error) {
    await giveUp(client, task, error);
    return false;
  }
  console.log(JSON.stringify(await handOn(client, task, file)));
  return true;
}

/** Works until nothing has been waiting for `idleExitMs`; returns a count. */
async function work(client: CorndogsClient, idleExitMs: number) {
  let counted = 0;
  let idleSince = Date.now();
  for (;;) {
    const task = await claim(client);
    if (task === undefined) {
      if (Date.now() - idleSince >= idleExitMs) return counted;
      await sleep(POLL_MS);
      continue;
    }
    if (await handle(client, task)) counted += 1;
    idleSince = Date.now();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: "string" },
      "idle-exit": { type: "string", default: "0" },
    },
  });
  const idleExitSeconds = Number(values["idle-exit"]);
  if (!(idleExitSeconds >= 0)) {
    throw new Error(`--idle-exit must be a number of seconds >= 0`);
  }
  const client = createCorndogsClient({ baseUrl: serverUrl(values.server) });
  const counted = await work(client, idleExitSeconds * 1000);
  console.error(`${WORKER_ID}: counted ${counted} file(s); none waiting`);
}

await main();
