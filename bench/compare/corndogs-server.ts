/**
 * Runs `corndogs serve` as a child process: the built `dist/cli/main.js`
 * when it exists (run `npm run build` first; a warning says when it is
 * older than the sources), else the sources through tsx. Extra Node.js
 * flags for the server (e.g. `--cpu-prof --cpu-prof-dir=.bench/prof`)
 * come from CORNDOGS_BENCH_SERVER_NODE_ARGS, space separated.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The repository root. */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

const BUILT_MAIN = join(REPO_ROOT, "dist/cli/main.js");
const OUTPUT_TAIL_CHARS = 16 * 1024;

/** Servers still running, killed on exit. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** A running `corndogs serve`. */
export interface CorndogsServer {
  pid: number;
  baseUrl: string;
  /** How it was started: `dist` or `tsx`. */
  build: "dist" | "tsx";
  /** The end of what it wrote. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Which build the server runs, with a warning if dist looks stale. */
export function serverBuild(): { build: "dist" | "tsx"; warning?: string } {
  if (!existsSync(BUILT_MAIN)) return { build: "tsx" };
  const built = statSync(BUILT_MAIN).mtimeMs;
  const newest = newestMtime(join(REPO_ROOT, "src"));
  return newest > built
    ? {
        build: "dist",
        warning: "dist/ is older than src/: run `npm run build` first",
      }
    : { build: "dist" };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs,
    );
  }
  return newest;
}

/** Starts a server on `databaseUrl`; resolves once it listens. */
export async function startCorndogs(
  databaseUrl: string,
  timeoutMs: number,
): Promise<CorndogsServer> {
  const { build } = serverBuild();
  const entry =
    build === "dist"
      ? [BUILT_MAIN]
      : ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts")];
  const extra = (process.env.CORNDOGS_BENCH_SERVER_NODE_ARGS ?? "")
    .split(" ")
    .filter((arg) => arg !== "");
  const child = spawn(process.execPath, [...extra, ...entry, "serve"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      CORNDOGS_DATABASE_URL: databaseUrl,
      CORNDOGS_LISTEN: "127.0.0.1:0",
      CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
      CORNDOGS_LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr.on("data", append);
  const stop = (graceMs = 10_000) => stopChild(child, graceMs);
  try {
    const port = await listeningPort(child, append, timeoutMs);
    return {
      pid: child.pid ?? -1,
      baseUrl: `http://127.0.0.1:${port}`,
      build,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop(0);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
}

/** Resolves with the API port of the "server: listening" log line. */
function listeningPort(
  child: ChildProcess,
  append: (chunk: Buffer) => void,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = "";
    const timer = setTimeout(
      () => reject(new Error(`server not listening after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      append(chunk);
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.includes('"server: listening"')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { api_port: number }).api_port);
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening`));
    });
  });
}

async function stopChild(child: ChildProcess, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(graceMs > 0 ? "SIGTERM" : "SIGKILL");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
