/**
 * Output: a response as proto3 JSON (`--json`, one object on one line,
 * fields at their default value left out, as in the server's HTTP/JSON
 * answers), or readable text: aligned key/value listings for tasks and
 * tables for counts.
 */
import {
  toJson,
  type DescMessage,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { Task } from "../gen/corndogs/v1alpha1/corndogs_pb.js";

/** Longest payload text shown in a listing, in characters. */
const MAX_PAYLOAD_TEXT = 1000;

/** Writes a line (or lines) to stdout. */
export function say(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Prints `message` as proto3 JSON when `json`, else the `text` of it. */
export function printResponse<Desc extends DescMessage>(
  json: boolean | undefined,
  schema: Desc,
  message: MessageShape<Desc>,
  text: () => string,
): void {
  if (json === true) {
    say(JSON.stringify(toJson(schema, message)));
  } else {
    say(text());
  }
}

/** Unix nanoseconds as an ISO 8601 time; "-" for 0. */
export function isoTime(ns: bigint): string {
  if (ns <= 0n) return "-";
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** A payload as text when it is printable UTF-8, else `<N bytes>`. */
export function payloadText(payload: Uint8Array): string {
  if (payload.byteLength === 0) return "(empty)";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
  } catch {
    return `<${payload.byteLength} bytes>`;
  }
  // Printable: no control characters besides tab, newline, return.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u.test(text)) {
    return `<${payload.byteLength} bytes>`;
  }
  if (text.length > MAX_PAYLOAD_TEXT) {
    return `${text.slice(0, MAX_PAYLOAD_TEXT)}… <${payload.byteLength} bytes>`;
  }
  return text;
}

/** Aligned `key  value` lines; continuation lines stay aligned. */
export function keyValues(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([key]) => key.length)) + 2;
  return pairs
    .map(
      ([key, value]) =>
        key.padEnd(width) + value.split("\n").join(`\n${" ".repeat(width)}`),
    )
    .join("\n");
}

/** A task as an aligned key/value listing. */
export function formatTask(task: Task): string {
  const pairs: [string, string][] = [
    ["uuid", task.uuid],
    ["queue", task.queue],
    ["state", task.currentState],
    ["target", task.autoTargetState],
    ["priority", String(task.priority)],
    ["timeout", task.timeout > 0n ? `${task.timeout}s` : "none"],
    ["in flight", task.inFlight ? "yes" : "no"],
    ["deadline", isoTime(task.deadline)],
    ["worker", task.workerId || "-"],
    ["claims", String(task.claimCount)],
    ["claim token", task.claimToken || "-"],
    ["submitted", isoTime(task.submitTime)],
    ["updated", isoTime(task.updateTime)],
  ];
  if (task.completeTime > 0n) {
    pairs.push(["finished", isoTime(task.completeTime)]);
    pairs.push(["work time", `${Number(task.workDuration) / 1e9}s`]);
    // Archived tasks keep no payload: "(empty)" would mislead.
    const end =
      task.currentState === "canceled" ? "cancellation" : "completion";
    pairs.push(["payload", `(not kept after ${end})`]);
  } else {
    pairs.push(["payload", payloadText(task.payload)]);
  }
  return keyValues(pairs);
}

/** Rows as a table with a header; columns are left-aligned. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? "").length)),
  );
  return all
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
