/**
 * Sends completions in batches: every completion asked for while a batch
 * is on the wire joins the next one, so a busy worker makes one
 * CompleteTasks call per round trip instead of one per task, and an idle
 * one sends each completion at once.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CorndogsClient } from "../client/client.js";
import type {
  CompleteTaskRequestSchema,
  CompleteTaskResult,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";

type Completion = MessageInitShape<typeof CompleteTaskRequestSchema>;

interface Pending {
  request: Completion;
  resolve: (result: CompleteTaskResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Most payload bytes (of next tasks) one CompleteTasks call carries: well
 * under the server's request limit and HTTP/2's default 10 MB session
 * memory, which a batch of big next tasks finishing together would pass
 * (the stream is reset, and every retry batches them together again). A
 * single bigger completion still goes, alone.
 */
const MAX_BATCH_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** The payload bytes a completion sends (its next task's). */
function payloadBytes(request: Completion): number {
  const payload = request.nextTask?.payload;
  return payload instanceof Uint8Array ? payload.byteLength : 0;
}

export class CompletionBatcher {
  private queue: Pending[] = [];
  private sending: Promise<void> | undefined;

  constructor(
    private readonly client: CorndogsClient,
    private readonly maxBatch: number,
    /** Options of each batch's call (its deadline). */
    private readonly callOptions: () => { timeoutMs?: number } = () => ({}),
  ) {}

  /** Completes one task; resolves with its own result. */
  complete(request: Completion): Promise<CompleteTaskResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.sending ??= this.drain();
    });
  }

  /** Resolves when everything asked for so far has been sent. */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain() {
    // Let the completions of this tick gather first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchLength());
      try {
        const { results } = await this.client.completeTasks(
          { tasks: batch.map((entry) => entry.request), omitTasks: true },
          this.callOptions(),
        );
        batch.forEach((entry, i) => entry.resolve(results[i]!));
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    this.sending = undefined;
  }

  /** How many queued completions the next call takes (at least one). */
  private batchLength(): number {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.maxBatch) {
      bytes += payloadBytes(this.queue[n]!.request);
      if (n > 0 && bytes > MAX_BATCH_PAYLOAD_BYTES) break;
      n++;
    }
    return n;
  }
}
