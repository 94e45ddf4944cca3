/**
 * The license-words example (examples/license-words/) end to end, on a
 * real server: submit.ts queues one task per license file, the TypeScript
 * stage-1 worker counts words over gRPC, the Python stage-2 worker merges
 * them over HTTP/JSON, and its result must equal the same counts computed
 * here directly. Afterwards no task may be left live, and every task of
 * both stages must be archived as completed by the worker that ran it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import {
  addCounts,
  countWords,
  topWords,
} from "../examples/license-words/words.js";
import {
  REPO_ROOT,
  startTestServer,
  type TestServer,
} from "./support/servers.js";
import type { Task } from "../src/gen/corndogs/v1alpha1/corndogs_pb.js";

const execFileAsync = promisify(execFile);

/** The license texts every Debian system ships. */
const LICENSE_DIR = "/usr/share/common-licenses";

/** How many words the Python worker is asked to list. */
const TOP = 30;

/**
 * The payload limit of this test's server. A stage-2 payload holds one
 * file's counts (GPL-3: about 12 KiB of JSON), too close to the 64 KiB
 * of the default test server for comfort.
 */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

const EXAMPLE = join(REPO_ROOT, "examples/license-words");

let server: TestServer;
let workDir: string;

before(async () => {
  server = await startTestServer("sqlite", {
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
  });
  workDir = await mkdtemp(join(tmpdir(), "corndogs-license-words-"));
});

after(async () => {
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs a program against the test server; resolves with its stdout. */
async function runProgram(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, CORNDOGS_SERVER: server.baseUrl },
      timeout: 120_000,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${file} ${args.join(" ")} failed: ${String(error)}\n` +
        `stdout:\n${stdout ?? ""}\nstderr:\n${stderr ?? ""}`,
    );
  }
}

/** Runs one of the example's TypeScript programs with tsx. */
function runTypeScript(name: string, args: string[] = []): Promise<string> {
  return runProgram(process.execPath, [
    "--import",
    "tsx",
    join(EXAMPLE, name),
    ...args,
  ]);
}

/** Parses output made of one JSON object per line. */
function jsonLines<T>(output: string): T[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** The regular files of LICENSE_DIR (symlinks followed), sorted. */
async function licenseFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const name of await readdir(LICENSE_DIR)) {
    const path = join(LICENSE_DIR, name);
    if ((await stat(path)).isFile()) files.push(path);
  }
  return files.sort();
}

/** What stage2_merge.py must write for `files`, computed directly. */
async function expectedSummary(files: string[]) {
  const total = new Map<string, number>();
  for (const path of files) {
    addCounts(total, countWords(await readFile(path, "utf8")));
  }
  return {
    files: files.length,
    total_words: [...total.values()].reduce((sum, n) => sum + n, 0),
    distinct_words: total.size,
    top: topWords(total, TOP),
    paths: files,
  };
}

/** Fetches tasks (live or archived) by uuid. */
async function fetchTasks(uuids: string[]): Promise<Task[]> {
  const client = server.client();
  const tasks: Task[] = [];
  for (const uuid of uuids) {
    const { task } = await client.getTaskStateByID({ uuid });
    assert.ok(task, `task ${uuid} exists`);
    tasks.push(task);
  }
  return tasks;
}

/**
 * Asserts that every task is archived as completed, claimed once, by
 * `workerId`; returns how many are.
 */
function assertCompletedBy(tasks: Task[], workerId: string): number {
  const facts = (task: Task) => ({
    uuid: task.uuid,
    state: task.currentState,
    worker: task.workerId,
    claims: task.claimCount,
    completed: task.completeTime > 0n,
  });
  assert.deepEqual(
    tasks.map(facts),
    tasks.map((task) => ({
      uuid: task.uuid,
      state: "completed",
      worker: workerId,
      claims: 1n,
      completed: true,
    })),
  );
  return tasks.filter((task) => task.currentState === "completed").length;
}

interface Submitted {
  uuid: string;
  path: string;
}

interface Counted {
  uuid: string;
  path: string;
  words: number;
  next_uuid?: string;
}

test("license words: TypeScript counts, Python merges", async () => {
  const files = await licenseFiles();
  assert.ok(files.length > 0, `${LICENSE_DIR} holds no regular file`);
  const output = join(workDir, "top-words.json");

  const submitted = jsonLines<Submitted>(await runTypeScript("submit.ts"));
  assert.deepEqual(submitted.map((s) => s.path).sort(), files);

  const counted = jsonLines<Counted>(await runTypeScript("stage1-count.ts"));
  assert.deepEqual(
    counted.map((c) => c.uuid).sort(),
    submitted.map((s) => s.uuid).sort(),
    "stage 1 counted every submitted task once",
  );

  await runProgram("python3", [
    join(EXAMPLE, "stage2_merge.py"),
    output,
    "--top",
    String(TOP),
  ]);
  const summary: unknown = JSON.parse(await readFile(output, "utf8"));
  assert.deepEqual(summary, await expectedSummary(files));

  const counts = await server.client().getQueueTaskCounts({});
  assert.equal(counts.totalTaskCount, 0n, "no task is left live");

  const stage1 = await fetchTasks(submitted.map((s) => s.uuid));
  assert.equal(assertCompletedBy(stage1, "ts-stage1"), files.length);

  const nextUuids = counted.map((c) => c.next_uuid ?? "");
  assert.equal(new Set(nextUuids).size, files.length, "one stage-2 task each");
  const stage2 = await fetchTasks(nextUuids);
  assert.equal(assertCompletedBy(stage2, "py-stage2"), files.length);
});
