/**
 * Corndogs' client and Worker from the same build as the server under
 * test: dist/ when it exists (run `npm run build` first), else src/
 * through tsx. See ../server-process.ts for the server.
 */
import { existsSync } from "node:fs";

type ClientModule = typeof import("../../src/client/client.js");
type WorkerModule = typeof import("../../src/worker/worker.js");

const ROOT = new URL("../../", import.meta.url);

/** `dist` if the build is there, else `src`. */
export const BUILD: "dist" | "src" = existsSync(
  new URL("dist/worker/worker.js", ROOT),
)
  ? "dist"
  : "src";

async function load<T>(module: string): Promise<T> {
  const ext = BUILD === "dist" ? "js" : "ts";
  return (await import(new URL(`${BUILD}/${module}.${ext}`, ROOT).href)) as T;
}

/** The client module (createCorndogsClient). */
export function loadClient(): Promise<ClientModule> {
  return load<ClientModule>("client/client");
}

/** The Worker module. */
export function loadWorker(): Promise<WorkerModule> {
  return load<WorkerModule>("worker/worker");
}
