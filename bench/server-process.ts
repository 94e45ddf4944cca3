/**
 * The server under test: `corndogs serve` from the sources, as a child
 * process, so that its CPU and memory are its own. Every child started
 * here is killed when the benchmark process exits, however it exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";

/** The repository root, where `src/cli/main.ts` lives. */
export const REPO_ROOT = new URL("../", import.meta.url).pathname;

/** Keep this much of the server's output for error messages. */
const OUTPUT_TAIL_CHARS = 16 * 1024;

/** Linux reports CPU times in USER_HZ ticks, 100 per second. */
const TICKS_PER_SECOND = 100;

/** Children still running, killed on exit. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** A running `corndogs serve`. */
export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** The end of what the server wrote to stdout and stderr. */
  output(): string;
  /** Resident memory now (VmRSS), in bytes. */
  rssBytes(): number;
  /** User + system CPU time used so far, in milliseconds. */
  cpuMs(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a server on `databaseUrl`; waits until it is listening. Extra
 * Node.js flags for the server (e.g. `--cpu-prof`) can be given, space
 * separated, in CORNDOGS_BENCH_SERVER_NODE_ARGS.
 */
export async function startServer(
  databaseUrl: string,
  startTimeoutMs: number,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...serverNodeArgs(), "--import", "tsx", "src/cli/main.ts", "serve"],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CORNDOGS_DATABASE_URL: databaseUrl,
        CORNDOGS_LISTEN: "127.0.0.1:0",
        CORNDOGS_HTTP_LISTEN: "127.0.0.1:0",
        CORNDOGS_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  live.add(child);
  child.once("exit", () => live.delete(child));
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stderr.on("data", append);
  const server: ServerProcess = {
    pid: child.pid ?? -1,
    baseUrl: "",
    output: () => output,
    rssBytes: () => readRss(child.pid),
    cpuMs: () => readCpuMs(child.pid),
    stop: (graceMs = 5000) => stopChild(child, graceMs),
  };
  try {
    const apiPort = await waitListening(child, append, startTimeoutMs);
    return { ...server, baseUrl: `http://127.0.0.1:${apiPort}` };
  } catch (err) {
    await server.stop(0);
    throw new Error(
      `${(err as Error).message}\n--- server output ---\n${output}`,
    );
  }
}

function serverNodeArgs(): string[] {
  const raw = process.env.CORNDOGS_BENCH_SERVER_NODE_ARGS ?? "";
  return raw.split(" ").filter((arg) => arg !== "");
}

/** Resolves with the API port from the "server: listening" log line. */
function waitListening(
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

/** VmRSS from /proc/<pid>/status, in bytes. */
function readRss(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/mu.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** utime + stime from /proc/<pid>/stat, in milliseconds. */
function readCpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses; utime and
  // stime are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}
