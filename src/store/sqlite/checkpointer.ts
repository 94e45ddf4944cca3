/**
 * Checkpoints the SQLite write-ahead log from a worker thread. SQLite
 * otherwise checkpoints inside the commit that crosses the WAL size
 * limit: on the server's only thread, copying pages into the database
 * and waiting for two fsyncs, which stalled every request behind it (a
 * fifth of a batch completion's time in `npm run bench:compare`).
 *
 * The thread runs PASSIVE checkpoints, which never block the writer. The
 * main connection keeps a checkpoint limit of its own, far above the
 * thread's, so the log stays bounded even if the thread falls behind or
 * dies.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** How often the thread checkpoints, in ms. */
const CHECKPOINT_INTERVAL_MS = 100;

/**
 * WAL pages after which the main connection checkpoints by itself
 * (SQLite's default is 1000); only reached when the thread falls behind.
 */
export const FALLBACK_CHECKPOINT_PAGES = 20_000;

// A self-contained CommonJS body: an eval'd worker has no module URL to
// resolve a file of ours from, so it is handed better-sqlite3's path.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Busy or gone for a moment: the next tick tries again, and the
    // main connection's own limit bounds the log meanwhile.
  }
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    // The fallback limit covers for a thread that failed to start.
    this.worker.on("error", () => undefined);
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => resolve()),
    );
    // The server's lifetime is decided elsewhere; this thread never
    // keeps a process alive by itself.
    this.worker.unref();
  }

  /** Stops the thread after its current checkpoint. */
  async stop(): Promise<void> {
    // Keep the process alive until the thread has closed its connection;
    // unref'd, a process with nothing else to do would exit mid-wait.
    this.worker.ref();
    this.worker.postMessage("stop");
    await this.exited;
  }
}
