/**
 * What the license-words workflow's programs agree on: the queue, the
 * states, the payloads of each stage and where the server is.
 * `stage2_merge.py` repeats these names; keep the two in step.
 */

/** The queue every task of the workflow lives in. */
export const QUEUE = "licenses";

/** Stage 1 waits here: count the words of one file. */
export const COUNT_STATE = "count-words";

/** Stage 2 waits here: merge one file's counts into the total. */
export const MERGE_STATE = "merge-counts";

/**
 * Lease of every task, in seconds: a worker that dies mid-task gives it
 * back after this long, and another worker gets it.
 */
export const LEASE_SECONDS = 60n;

/** The server used when neither `--server` nor CORNDOGS_SERVER is set. */
export const DEFAULT_SERVER = "http://localhost:5080";

/**
 * Stage-1 payload. The task carries the file's path, not its text: tasks
 * stay small whatever the file size (the server refuses payloads over its
 * limit, 16 MiB by default), and a file that changes before it is counted
 * is counted as it is then. The price: every stage-1 worker must see the
 * same filesystem as the submitter, so paths are made absolute.
 */
export interface CountPayload {
  path: string;
}

/** Stage-2 payload: one file's word counts. */
export interface MergePayload {
  path: string;
  /** Word → occurrences in the file; see `words.ts` for what a word is. */
  counts: Record<string, number>;
}

/** The server URL: the flag, else CORNDOGS_SERVER, else the default. */
export function serverUrl(flag: string | undefined): string {
  return flag ?? process.env.CORNDOGS_SERVER ?? DEFAULT_SERVER;
}

/** Encodes a payload as UTF-8 JSON bytes. */
export function encodePayload(value: CountPayload | MergePayload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Decodes a stage-1 payload, failing clearly when it is not one. */
export function decodeCountPayload(bytes: Uint8Array): CountPayload {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (
    typeof value !== "object" ||
    value === null ||
    !("path" in value) ||
    typeof value.path !== "string"
  ) {
    throw new Error('payload is not a JSON object with a string "path"');
  }
  return { path: value.path };
}
