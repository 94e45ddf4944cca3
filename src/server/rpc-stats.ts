/**
 * The statistics RPCs of the CorndogsService: decode, ask the stats
 * service, encode.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { CorndogsService } from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import type { StatsService } from "../service/stats-service.js";

type StatsHandlers = Pick<
  ServiceImpl<typeof CorndogsService>,
  | "getQueueStats"
  | "getTimeoutStats"
  | "getWorkers"
  | "getCompletionHistory"
  | "getWorkDurations"
>;

/** Minutes of the workers look-back when a request gives none. */
const DEFAULT_WORKER_MINUTES = 5n;

export function statsHandlers(stats: StatsService): StatsHandlers {
  return {
    async getQueueStats(request) {
      const { now, counts } = await stats.queues(request.queue);
      return {
        now,
        states: counts.map((c) => ({
          queue: c.queue,
          state: c.state,
          waiting: c.waiting,
          inFlight: c.inFlight,
          oldestWaitingSubmitTime: c.oldestWaiting,
          oldestWaitingAge:
            c.oldestWaiting > 0n && now > c.oldestWaiting
              ? now - c.oldestWaiting
              : 0n,
        })),
      };
    },

    async getTimeoutStats(request) {
      return stats.timeouts(request);
    },

    async getWorkers(request) {
      const workers = await stats.workers(
        request.queue,
        request.withinMinutes || DEFAULT_WORKER_MINUTES,
      );
      return { workers };
    },

    async getCompletionHistory(request) {
      const buckets = await stats.series(request, request.bucketMinutes || 1n);
      return { buckets };
    },

    async getWorkDurations(request) {
      return { queues: await stats.durations(request) };
    },
  };
}
