/**
 * The server under test: `corndogs serve` as a child process, so that its
 * CPU and memory are its own. It runs the built `dist/cli/main.js` when
 * that exists (run `npm run build` first; `serverBuild()` warns when it is
 * older than the sources), else the sources through tsx. Extra Node.js
 * flags for it (e.g. `--cpu-prof --cpu-prof-dir=.bench/prof`) come from
 * CORNDOGS_BENCH_SERVER_NODE_ARGS, space separated. Every child started
 * here is killed when the benchmark process exits, however it exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cpuMs, rssBytes } from "./procfs.js";

/** The repository root. */
export const REPO_ROOT = new URL("../", import.meta.url).pathname;

const BUILT_MAIN = join(REPO_ROOT, "dist/cli/main.js");

/** Keep this much of the server's output for error messages. */
const OUTPUT_TAIL_CHARS = 16 * 1024;

/** Children still running, killed on exit. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** A running `corndogs serve`. */
export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** How it was started: `dist` or `tsx`. */
  build: "dist" | "tsx";
  /** The end of what the server wrote to stdout and stderr. */
  output(): string;
  /** Resident memory now (VmRSS), in bytes; 0 once it is gone. */
  rssBytes(): number;
  /** User + system CPU time used so far, in milliseconds. */
  cpuMs(): number;
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

/** Whether the stale-build warning was printed already. */
let warned = false;

/** Starts a server on `databaseUrl`; resolves once it listens. */
export async function startServer(
  databaseUrl: string,
  startTimeoutMs: number,
): Promise<ServerProcess> {
  const { build, warning } = serverBuild();
  if (warning && !warned) {
    warned = true;
    console.error(`bench: WARNING: ${warning}`);
  }
  const entry =
    build === "dist"
      ? [BUILT_MAIN]
      : ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts")];
  const child = spawn(process.execPath, [...nodeArgs(), ...entry, "serve"], {
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
  const pid = child.pid ?? -1;
  const server: ServerProcess = {
    pid,
    baseUrl: "",
    build,
    output: () => output,
    rssBytes: () => rssBytes(pid),
    cpuMs: () => cpuMs(pid),
    stop: (graceMs = 10_000) => stopChild(child, graceMs),
  };
  try {
    const apiPort = await listeningPort(child, append, startTimeoutMs);
    return { ...server, baseUrl: `http://127.0.0.1:${apiPort}` };
  } catch (err) {
    await server.stop(0);
    throw new Error(
      `${(err as Error).message}\n--- server output ---\n${output}`,
    );
  }
}

function nodeArgs(): string[] {
  const raw = process.env.CORNDOGS_BENCH_SERVER_NODE_ARGS ?? "";
  return raw.split(" ").filter((arg) => arg !== "");
}

/** Resolves with the API port from the "server: listening" log line. */
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
