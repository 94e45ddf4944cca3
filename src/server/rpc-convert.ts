/**
 * Conversions between wire messages and domain values. Wire fields that a
 * client left out arrive as proto3 defaults ("" and 0), which the domain
 * reads as "not given".
 */
import { create } from "@bufbuild/protobuf";
import type { Task } from "../domain/task.js";
import type { SubmitInput } from "../domain/validate.js";
import {
  TaskSchema,
  type SubmitTaskRequest,
  type Task as WireTask,
} from "../gen/corndogs/v1alpha1/corndogs_pb.js";

/** A domain task as a wire `Task`. */
export function toWireTask(task: Task): WireTask {
  return create(TaskSchema, {
    uuid: task.uuid,
    queue: task.queue,
    currentState: task.currentState,
    autoTargetState: task.autoTargetState,
    submitTime: task.submitTime,
    updateTime: task.updateTime,
    timeout: task.timeout,
    payload: task.payload,
    priority: task.priority,
    claimToken: task.claimToken,
    inFlight: task.inFlight,
    deadline: task.deadline,
    workerId: task.workerId,
    claimCount: task.claimCount,
    claimTime: task.claimTime,
    completeTime: task.completeTime,
    workDuration: task.workDuration,
  });
}

/** A wire submit request as domain input. */
export function fromSubmitRequest(request: SubmitTaskRequest): SubmitInput {
  return {
    queue: request.queue,
    currentState: request.currentState,
    autoTargetState: request.autoTargetState,
    timeout: request.timeout,
    priority: request.priority,
    payload: request.payload,
  };
}
