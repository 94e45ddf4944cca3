/**
 * Corndogs' consumer: the package's own `Worker` over gRPC, set up as
 * docs/operations.md advises for short tasks: 500 tasks prefetched beyond
 * the running ones (so claims carry up to concurrency + 500 tasks), 20 s
 * long polls, completions batched per round trip. The Worker and client come from
 * the same build as the server: dist/ when it exists, else src/.
 */
import type { CorndogsClient } from "../../../src/client/client.js";
import type { Worker } from "../../../src/worker/worker.js";
import { loadClient, loadWorker } from "../corndogs-build.js";
import { readPayload } from "../protocol.js";
import type { Consumer, OnTask } from "./consumer.js";

/** Claimed tasks each worker process holds ready beyond its handlers. */
export const PREFETCH = 500;

const { createCorndogsClient } = await loadClient();
const { Worker: WorkerClass } = await loadWorker();

export class CorndogsConsumer implements Consumer {
  private readonly client: CorndogsClient;
  private worker: Worker | undefined;
  private running: Promise<void> | undefined;

  constructor(
    baseUrl: string,
    private readonly queue: string,
  ) {
    this.client = createCorndogsClient({ baseUrl, protocol: "grpc" });
  }

  async open(): Promise<void> {
    // Opens the HTTP/2 connection: a cheap call answered at once.
    await this.client.getTaskStateCounts({ queue: this.queue });
  }

  async start(concurrency: number, onTask: OnTask): Promise<void> {
    const worker = new WorkerClass({
      client: this.client,
      queues: [this.queue],
      concurrency,
      prefetch: PREFETCH,
      handleSignals: false,
      handler: async (task) => onTask(readPayload(task.payload)),
      onError: (error, task) =>
        console.error(`corndogs worker: ${task?.uuid ?? "-"}:`, error),
    });
    this.worker = worker;
    this.running = worker.run();
  }

  async stop(): Promise<void> {
    this.worker?.stop();
    await this.running;
    this.worker = undefined;
    this.running = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
  }
}
