/**
 * Where a payload comes from: a command-line argument (UTF-8), a file, or
 * standard input. At most one source may be given.
 */
import { readFile } from "node:fs/promises";

/** The possible sources of one payload; unset fields are not given. */
export interface PayloadSources {
  /** Text given on the command line, sent as UTF-8. */
  text?: string | undefined;
  /** A file to read; `-` reads standard input. */
  file?: string | undefined;
  /** Read standard input. */
  stdin?: boolean | undefined;
}

/** Reads all of standard input. */
export async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Reads the payload from its one given source; `undefined` when none is
 * given. `names` label the sources in the error for more than one.
 */
export async function readPayload(
  sources: PayloadSources,
  names: string,
): Promise<Uint8Array | undefined> {
  const given = [
    sources.text !== undefined,
    sources.file !== undefined,
    sources.stdin === true,
  ].filter(Boolean).length;
  if (given > 1) {
    throw new Error(`give the payload only one way: ${names}`);
  }
  if (sources.text !== undefined) {
    return new TextEncoder().encode(sources.text);
  }
  if (sources.stdin === true || sources.file === "-") return readStdin();
  if (sources.file !== undefined) {
    return new Uint8Array(await readFile(sources.file));
  }
  return undefined;
}
