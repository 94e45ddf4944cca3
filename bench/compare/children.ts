/**
 * The worker processes of one system (worker-child.ts), seen from the
 * benchmark process: spawns them, splits the concurrency between them,
 * starts and stops their consumers, and passes on what they handled.
 * Every process spawned here is killed when the benchmark exits, however
 * it exits.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { ChildMessage, ConsumerSpec, ParentMessage } from "./protocol.js";

const CHILD_MODULE = new URL("./worker-child.ts", import.meta.url).pathname;

/** Child processes still running, killed on exit. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Extra Node.js flags for worker processes (e.g. `--cpu-prof`), space
 * separated, from CORNDOGS_BENCH_WORKER_NODE_ARGS.
 */
function workerNodeArgs(): string[] {
  const raw = process.env.CORNDOGS_BENCH_WORKER_NODE_ARGS ?? "";
  return raw.split(" ").filter((arg) => arg !== "");
}

/** What a worker process reported as handled. */
export type HandledReport = Extract<ChildMessage, { type: "handled" }>;

/** Waits for a reply of one type from one worker process. */
interface Waiter {
  type: ChildMessage["type"];
  resolve: () => void;
  reject: (error: Error) => void;
}

class WorkerProcess {
  readonly child: ChildProcess;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  private stderr = "";

  constructor(index: number, onHandled: (report: HandledReport) => void) {
    this.child = fork(CHILD_MODULE, [], {
      execArgv: [...workerNodeArgs(), "--import", "tsx"],
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      env: { ...process.env, CORNDOGS_BENCH_WORKER: String(index) },
    });
    live.add(this.child);
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8192);
      process.stderr.write(`[worker ${index}] ${chunk.toString()}`);
    });
    this.child.on("message", (message: ChildMessage) => {
      if (message.type === "handled") return onHandled(message);
      if (message.type === "error") {
        return this.fail(new Error(`worker ${index}: ${message.message}`));
      }
      const i = this.waiters.findIndex((w) => w.type === message.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve();
    });
    this.child.once("exit", (code, signal) => {
      live.delete(this.child);
      this.fail(
        new Error(`worker ${index} exited (${code ?? signal})\n${this.stderr}`),
      );
    });
  }

  /** Sends `message`; resolves at the reply of type `reply`. */
  request(
    message: ParentMessage,
    reply: ChildMessage["type"],
    timeoutMs: number,
  ): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no "${reply}" from a worker in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({
        type: reply,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.send(message);
    });
  }

  /** The first failure of this process, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** Asks it to exit; kills it after `graceMs`. */
  async exit(graceMs: number) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = once(this.child, "exit");
    if (this.child.connected) this.child.send({ type: "exit" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A set of worker processes running one system's consumer. */
export class WorkerProcesses {
  private constructor(private readonly processes: WorkerProcess[]) {}

  /** Spawns `count` processes and connects each to the system. */
  static async spawn(
    count: number,
    spec: ConsumerSpec,
    onHandled: (report: HandledReport) => void,
    timeoutMs: number,
  ): Promise<WorkerProcesses> {
    const processes = Array.from(
      { length: count },
      (_, i) => new WorkerProcess(i, onHandled),
    );
    const workers = new WorkerProcesses(processes);
    try {
      await workers.all({ type: "init", spec }, "ready", timeoutMs);
    } catch (error) {
      await workers.close();
      throw error;
    }
    return workers;
  }

  /** The processes' ids. */
  get pids(): number[] {
    return this.processes.map((p) => p.child.pid ?? -1);
  }

  /** The first failure of any process, if any. */
  get error(): Error | undefined {
    return this.processes.find((p) => p.error)?.error;
  }

  /** Starts the consumers, `concurrency` in all, split evenly. */
  async start(concurrency: number, timeoutMs: number): Promise<void> {
    const count = this.processes.length;
    await Promise.all(
      this.processes.map((p, i) => {
        const share =
          Math.floor(concurrency / count) + (i < concurrency % count ? 1 : 0);
        return p.request(
          { type: "start", concurrency: share },
          "started",
          timeoutMs,
        );
      }),
    );
  }

  /** Stops the consumers; resolves once they completed what they took. */
  stop(timeoutMs: number): Promise<void> {
    return this.all({ type: "stop" }, "stopped", timeoutMs);
  }

  /** Ends every process, politely first. */
  async close(graceMs = 10_000): Promise<void> {
    await Promise.all(this.processes.map((p) => p.exit(graceMs)));
  }

  private async all(
    message: ParentMessage,
    reply: ChildMessage["type"],
    timeoutMs: number,
  ) {
    await Promise.all(
      this.processes.map((p) => p.request(message, reply, timeoutMs)),
    );
  }
}
