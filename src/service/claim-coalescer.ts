/**
 * Serves concurrent claims of the same queues and state with one
 * statement. The first claim runs at once; claims that arrive while it
 * runs wait for it, then run together as one claim whose limit is the sum
 * of theirs, each worker getting its share in claim order. Idle, this
 * adds nothing; busy, N claims cost one round trip and one commit.
 */
import type { Claim, Task } from "../domain/task.js";
import { MAX_CLAIM_LIMIT } from "../domain/validate.js";

interface Waiting {
  claim: Claim;
  resolve: (tasks: Task[]) => void;
  reject: (error: unknown) => void;
}

/** Claims that can share one statement: same queues, state, overrides. */
function groupKey(claim: Claim): string {
  return JSON.stringify([
    claim.queues,
    claim.currentState,
    claim.overrideCurrentState,
    claim.overrideAutoTargetState,
    String(claim.overrideTimeout),
  ]);
}

export class ClaimCoalescer {
  private readonly groups = new Map<string, Waiting[]>();

  constructor(private readonly run: (claim: Claim) => Promise<Task[]>) {}

  /** Claims, alone or together with concurrent claims of the group. */
  claim(claim: Claim): Promise<Task[]> {
    const key = groupKey(claim);
    const queued = this.groups.get(key);
    if (queued !== undefined) {
      return new Promise((resolve, reject) =>
        queued.push({ claim, resolve, reject }),
      );
    }
    this.groups.set(key, []);
    return this.run(claim).finally(() => this.next(key));
  }

  /** Runs the claims that queued up behind the last statement, if any. */
  private next(key: string) {
    const queued = this.groups.get(key) ?? [];
    if (queued.length === 0) {
      this.groups.delete(key);
      return;
    }
    const batch = takeBatch(queued);
    const merged: Claim = {
      ...batch[0]!.claim,
      limit: batch.reduce((sum, w) => sum + w.claim.limit, 0),
      workerIds: batch.flatMap((w) =>
        Array<string>(w.claim.limit).fill(w.claim.workerId),
      ),
    };
    this.run(merged)
      .then((tasks) => {
        let start = 0;
        for (const waiting of batch) {
          waiting.resolve(tasks.slice(start, start + waiting.claim.limit));
          start += waiting.claim.limit;
        }
      })
      .catch((error) => batch.forEach((waiting) => waiting.reject(error)))
      .finally(() => this.next(key));
  }
}

/** Takes queued claims from the front until the merged limit is full. */
function takeBatch(queued: Waiting[]): Waiting[] {
  let total = 0;
  let count = 0;
  for (const waiting of queued) {
    if (count > 0 && total + waiting.claim.limit > MAX_CLAIM_LIMIT) break;
    total += waiting.claim.limit;
    count++;
  }
  return queued.splice(0, count);
}
