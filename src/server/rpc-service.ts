/**
 * The CorndogsService handlers: decode, call the task service, encode.
 * Errors are mapped by the interceptor in rpc-errors.ts.
 */
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import type { StateCount } from "../domain/task.js";
import {
  CorndogsService,
  QueueAndStateCountsSchema,
  type QueueAndStateCounts,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";
import { checkWait } from "../domain/validate.js";
import type { CompletionResult, TaskService } from "../service/task-service.js";
import type { StatsService } from "../service/stats-service.js";
import { describeError } from "./rpc-errors.js";
import { statsHandlers } from "./rpc-stats.js";
import { fromSubmitRequest, toWireTask } from "./rpc-convert.js";

/** Routes for connectNodeAdapter: the CorndogsService on `service`. */
export function corndogsRoutes(service: TaskService, stats: StatsService) {
  return (router: ConnectRouter) =>
    router.service(CorndogsService, {
      ...handlers(service),
      ...statsHandlers(stats),
    });
}

type TaskHandlers = Omit<
  ServiceImpl<typeof CorndogsService>,
  keyof ReturnType<typeof statsHandlers>
>;

function handlers(service: TaskService): TaskHandlers {
  return {
    async submitTask(request) {
      const task = await service.submit(fromSubmitRequest(request));
      return { task: toWireTask(task) };
    },

    async getTaskStateByID(request) {
      const task = await service.get(request.uuid, request.queue);
      return { task: toWireTask(task) };
    },

    async getNextTask(request, context) {
      const [task] = await service.claim(request, {
        waitMs: checkWait("wait_ms", request.waitMs),
        signal: context.signal,
      });
      return { task: task && toWireTask(task) };
    },

    async updateTask(request) {
      const task = await service.update(request);
      return { task: toWireTask(task) };
    },

    async completeTask(request) {
      const next = request.nextTask && fromSubmitRequest(request.nextTask);
      const done = await service.complete(request, next);
      return {
        task: toWireTask(done.task),
        nextTask: done.next && toWireTask(done.next),
      };
    },

    async cancelTask(request) {
      const task = await service.cancel(request);
      return { task: toWireTask(task) };
    },

    async cleanUpTimedOut(request) {
      const count = await service.expireLeases(request.atTime, request.queue);
      return { timedOut: BigInt(count) };
    },

    async submitTasks(request) {
      const tasks = await service.submitMany(
        request.tasks.map(fromSubmitRequest),
      );
      return { tasks: tasks.map(toWireTask) };
    },

    async getNextTasks(request, context) {
      const tasks = await service.claim(
        { ...request, limit: request.limit || 1 },
        {
          waitMs: checkWait("wait_ms", request.waitMs),
          signal: context.signal,
        },
      );
      return { tasks: tasks.map(toWireTask) };
    },

    async completeTasks(request) {
      const results = await service.completeMany(
        request.tasks.map((entry) => ({
          guard: entry,
          next: entry.nextTask && fromSubmitRequest(entry.nextTask),
        })),
      );
      return {
        results: results.map((result) =>
          toCompleteResult(result, request.omitTasks),
        ),
      };
    },

    async releaseTasks(request) {
      return { uuids: await service.releaseMany(request.tasks) };
    },

    endWaits(request) {
      return { ended: service.endWaits(request.workerId) };
    },

    async extendLease(request) {
      const task = await service.extendLease(request);
      return { task: toWireTask(task) };
    },

    async getQueues() {
      const byQueue = totalsByQueue(await service.stateCounts());
      return {
        queues: [...byQueue.keys()],
        totalTaskCount: sum(byQueue.values()),
      };
    },

    async getQueueTaskCounts() {
      const byQueue = totalsByQueue(await service.stateCounts());
      return {
        queueCounts: Object.fromEntries(byQueue),
        totalTaskCount: sum(byQueue.values()),
      };
    },

    async getTaskStateCounts(request) {
      const counts = await service.stateCounts(request.queue);
      const entry = groupByQueue(counts).get(request.queue);
      return {
        queue: request.queue,
        count: entry?.count ?? 0n,
        stateCounts: entry?.stateCounts ?? {},
      };
    },

    async getQueueAndStateCounts() {
      const grouped = groupByQueue(await service.stateCounts());
      return { queueAndStateCounts: Object.fromEntries(grouped) };
    },
  };
}

function toCompleteResult(result: CompletionResult, omitTasks: boolean) {
  if (result instanceof Error) {
    const { code, rawMessage } = describeError(result);
    return { errorCode: code, errorMessage: rawMessage };
  }
  if (omitTasks) return {};
  return {
    task: toWireTask(result.task),
    nextTask: result.next && toWireTask(result.next),
  };
}

function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

function totalsByQueue(counts: StateCount[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const { queue, count } of counts) {
    totals.set(queue, (totals.get(queue) ?? 0n) + count);
  }
  return totals;
}

function groupByQueue(counts: StateCount[]): Map<string, QueueAndStateCounts> {
  const grouped = new Map<string, QueueAndStateCounts>();
  for (const { queue, state, count } of counts) {
    let entry = grouped.get(queue);
    if (entry === undefined) {
      entry = create(QueueAndStateCountsSchema, { queue });
      grouped.set(queue, entry);
    }
    entry.count += count;
    entry.stateCounts[state] = count;
  }
  return grouped;
}
