/**
 * BullMQ's consumer: a `Worker` at the given concurrency. Jobs are added
 * with `removeOnComplete`, so a completion also deletes the job; a
 * worker finishing a job takes its next one in the same Redis call, and
 * an idle worker blocks on Redis until a job arrives.
 */
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { readPayload } from "../protocol.js";
import type { Consumer, OnTask } from "./consumer.js";

export interface BullMqOptions {
  redisUrl: string;
  prefix: string;
  queue: string;
}

export class BullMqConsumer implements Consumer {
  private readonly connection: Redis;
  private worker: Worker | undefined;

  constructor(private readonly options: BullMqOptions) {
    // BullMQ requires this setting for a worker's blocking connection.
    this.connection = new Redis(options.redisUrl, {
      maxRetriesPerRequest: null,
    });
  }

  async open(): Promise<void> {
    await this.connection.ping();
  }

  async start(concurrency: number, onTask: OnTask): Promise<void> {
    const worker = new Worker(
      this.options.queue,
      async (job) => onTask(readPayload(job.data)),
      {
        connection: this.connection,
        prefix: this.options.prefix,
        concurrency,
        autorun: false,
      },
    );
    worker.on("error", (error) => console.error("bullmq worker:", error));
    await worker.waitUntilReady();
    this.worker = worker;
    void worker.run();
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    this.connection.disconnect();
  }
}
