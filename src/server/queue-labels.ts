/**
 * Caps the number of queue label values in the metrics. Queue names are
 * user input; without a cap a client submitting to random queues would
 * grow the metrics (and Prometheus) without bound. The first `max` queues
 * seen keep their own label; the rest are counted under `_other`.
 */

/** The label value for queues beyond the cap. */
export const OTHER_QUEUE = "_other";

export class QueueLabels {
  private readonly admitted = new Set<string>();

  constructor(private readonly max: number) {}

  /** The label value to use for `queue`. */
  label(queue: string): string {
    if (this.admitted.has(queue)) return queue;
    if (this.admitted.size < this.max) {
      this.admitted.add(queue);
      return queue;
    }
    return OTHER_QUEUE;
  }
}
