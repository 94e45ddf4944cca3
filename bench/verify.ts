/**
 * Correctness checks after a benchmark run: every submitted task was
 * claimed exactly once, and no task is left in any queue. A failed check
 * throws a BenchFailure, which makes the benchmark exit non-zero.
 */
import type { CorndogsClient } from "../src/client/client.js";

/** A correctness check failed: the numbers cannot be trusted. */
export class BenchFailure extends Error {
  override readonly name = "BenchFailure";
}

/** Throws unless `claimed` holds each of `submitted` exactly once. */
export function checkClaimedOnce(
  submitted: readonly string[],
  claimed: readonly string[],
): void {
  const expected = new Set(submitted);
  if (expected.size !== submitted.length) {
    throw new BenchFailure(
      `${submitted.length - expected.size} submitted uuids are duplicates`,
    );
  }
  const seen = new Set<string>();
  const twice: string[] = [];
  const unknown: string[] = [];
  for (const uuid of claimed) {
    if (seen.has(uuid)) twice.push(uuid);
    else if (!expected.has(uuid)) unknown.push(uuid);
    seen.add(uuid);
  }
  const never = submitted.filter((uuid) => !seen.has(uuid));
  const problems = [
    describe("claimed more than once", twice),
    describe("claimed but never submitted", unknown),
    describe("submitted but never claimed", never),
  ].filter((line) => line !== "");
  if (problems.length > 0) {
    throw new BenchFailure(
      `claims are wrong (${submitted.length} submitted, ` +
        `${claimed.length} claimed):\n  ${problems.join("\n  ")}`,
    );
  }
}

/** Throws unless GetQueueTaskCounts reports no live task at all. */
export async function checkQueuesEmpty(client: CorndogsClient) {
  const counts = await client.getQueueTaskCounts({});
  if (counts.totalTaskCount !== 0n) {
    throw new BenchFailure(
      `${counts.totalTaskCount} tasks are still live after draining: ` +
        JSON.stringify(counts.queueCounts, (_, v: unknown) =>
          typeof v === "bigint" ? Number(v) : v,
        ),
    );
  }
}

function describe(what: string, uuids: readonly string[]): string {
  if (uuids.length === 0) return "";
  const sample = uuids.slice(0, 3).join(", ");
  return `${uuids.length} ${what} (e.g. ${sample})`;
}
