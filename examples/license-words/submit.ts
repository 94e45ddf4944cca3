/**
 * Submits one stage-1 task per license file: queue "licenses", state
 * "count-words", payload `{"path": "/absolute/path"}`.
 *
 *     node --import tsx examples/license-words/submit.ts \
 *       [--server URL] [PATH...]
 *
 * Each PATH is a file or a directory (default /usr/share/common-licenses).
 * A directory contributes its regular files, symlinks followed (so an
 * alias such as GPL → GPL-3 is a file of its own), subdirectories skipped.
 * Prints one JSON line per task submitted: `{"uuid": ..., "path": ...}`.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  createCorndogsClient,
  type CorndogsClient,
} from "../../src/client/client.js";
import {
  COUNT_STATE,
  LEASE_SECONDS,
  QUEUE,
  encodePayload,
  serverUrl,
} from "./workflow.js";

/** Where Debian keeps the license texts every system ships. */
const DEFAULT_LICENSE_DIR = "/usr/share/common-licenses";

/**
 * The regular files named by `paths`, absolute and sorted: files as they
 * are, directories expanded one level. Symlinks are followed; anything
 * that is neither a regular file nor a directory is an error.
 */
async function listFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths.map((p) => resolve(p))) {
    const info = await stat(path);
    if (info.isDirectory()) files.push(...(await regularFilesIn(path)));
    else if (info.isFile()) files.push(path);
    else throw new Error(`${path} is neither a regular file nor a directory`);
  }
  return files.sort();
}

/** The regular files directly in `dir` (symlinks followed). */
async function regularFilesIn(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isFile()) files.push(path);
  }
  return files;
}

/** Submits the stage-1 task of `path` and returns its uuid. */
async function submitFile(
  client: CorndogsClient,
  path: string,
): Promise<string> {
  const { task } = await client.submitTask({
    queue: QUEUE,
    currentState: COUNT_STATE,
    timeout: LEASE_SECONDS,
    payload: encodePayload({ path }),
  });
  if (!task) throw new Error(`the server returned no task for ${path}`);
  return task.uuid;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { server: { type: "string" } },
    allowPositionals: true,
  });
  const client = createCorndogsClient({ baseUrl: serverUrl(values.server) });
  const files = await listFiles(
    positionals.length > 0 ? positionals : [DEFAULT_LICENSE_DIR],
  );
  for (const path of files) {
    const uuid = await submitFile(client, path);
    console.log(JSON.stringify({ uuid, path }));
  }
  console.error(`submitted ${files.length} task(s) to queue "${QUEUE}"`);
}

await main();
