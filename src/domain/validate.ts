/**
 * Validation and defaulting of every input, as SPEC §1 and §2 define them.
 * Errors name the field as it appears on the wire, the rule and the value.
 */
import { InvalidArgumentError } from "./errors.js";
import {
  ANONYMOUS_WORKER,
  DEFAULT_STATE,
  WORKING_SUFFIX,
  type Claim,
  type NewTask,
  type ReleasedTask,
  type TaskGuard,
  type TaskUpdate,
} from "./task.js";

/** Longest queue, state or worker name, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 255;

/** Longest lease accepted: 366 days, so deadlines never overflow. */
export const MAX_TIMEOUT_SECONDS = 366n * 24n * 3600n;

/** Most tasks one claim may take. */
export const MAX_CLAIM_LIMIT = 1000;

/** Longest claim token accepted (the server issues 32 hex digits). */
const MAX_CLAIM_TOKEN_LENGTH = 64;

const INT64_MAX = 2n ** 63n - 1n;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** Limits that come from the server's configuration. */
export interface Limits {
  maxPayloadBytes: number;
}

/** Submit input, as a request carries it (empty means "not given"). */
export interface SubmitInput {
  queue: string;
  currentState: string;
  autoTargetState: string;
  timeout: bigint;
  priority: bigint;
  payload: Uint8Array;
}

/** Most queues one claim may name. */
export const MAX_CLAIM_QUEUES = 100;

/**
 * Claim input, as a request carries it: `queue` (GetNextTask) or
 * `queues` (GetNextTasks).
 */
export interface ClaimInput {
  queue?: string;
  queues?: string[];
  currentState: string;
  overrideTimeout: bigint;
  overrideCurrentState: string;
  overrideAutoTargetState: string;
  workerId: string;
  limit?: number;
}

/** Update input, as a request carries it. */
export interface UpdateInput extends TaskGuard {
  newState: string;
  autoTargetState: string;
  timeout: bigint;
  priority: bigint;
  /** Absent keeps the payload; present and empty empties it. */
  payload?: Uint8Array | undefined;
  keepInFlight: boolean;
}

/**
 * Checks a queue, state or worker name: at most {@link MAX_NAME_BYTES}
 * bytes of UTF-8 and no control characters; empty only when allowed.
 */
export function checkName(
  field: string,
  value: string,
  { optional = false } = {},
): string {
  if (value === "") {
    if (optional) return value;
    throw new InvalidArgumentError(field, `${field} must not be empty`);
  }
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    throw new InvalidArgumentError(
      field,
      `${field} is ${bytes} bytes; the limit is ${MAX_NAME_BYTES} bytes`,
    );
  }
  if (CONTROL_CHARACTER.test(value) || !value.isWellFormed()) {
    throw new InvalidArgumentError(
      field,
      `${field} must not contain control characters or invalid UTF-16, ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * The default target of `state` (`<state>-working`), which must itself be
 * a valid name: a state that is too long for it is reported as such.
 */
function defaultTarget(field: string, state: string): string {
  const target = state + WORKING_SUFFIX;
  const bytes = Buffer.byteLength(target, "utf8");
  if (bytes > MAX_NAME_BYTES) {
    const limit = MAX_NAME_BYTES - WORKING_SUFFIX.length;
    throw new InvalidArgumentError(
      field,
      `${field} is ${bytes - WORKING_SUFFIX.length} bytes; without an ` +
        `auto_target_state the limit is ${limit} bytes, so that the ` +
        `default target "<state>${WORKING_SUFFIX}" fits in ${MAX_NAME_BYTES}`,
    );
  }
  return target;
}

/** Checks a task id and returns it in lower case. */
export function checkUuid(field: string, value: string): string {
  if (!UUID.test(value)) {
    throw new InvalidArgumentError(
      field,
      `${field} must be a UUID like 123e4567-e89b-42d3-a456-426614174000, ` +
        `got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value.toLowerCase();
}

/** Normalises a timeout: negative means none (0), at most 366 days. */
export function checkTimeout(field: string, value: bigint): bigint {
  if (value <= 0n) return 0n;
  if (value > MAX_TIMEOUT_SECONDS) {
    throw new InvalidArgumentError(
      field,
      `${field} is ${value} seconds; the limit is ${MAX_TIMEOUT_SECONDS} ` +
        `seconds (366 days)`,
    );
  }
  return value;
}

/** Checks a timestamp in Unix nanoseconds: 0 (meaning now) or positive. */
export function checkTime(field: string, value: bigint): bigint {
  if (value < 0n || value > INT64_MAX) {
    throw new InvalidArgumentError(
      field,
      `${field} must be Unix nanoseconds between 0 and ${INT64_MAX}, ` +
        `got ${value}`,
    );
  }
  return value;
}

function checkPayload(field: string, payload: Uint8Array, limits: Limits) {
  if (payload.byteLength > limits.maxPayloadBytes) {
    throw new InvalidArgumentError(
      field,
      `${field} is ${payload.byteLength} bytes; the limit is ` +
        `${limits.maxPayloadBytes} bytes`,
    );
  }
  return payload;
}

function checkClaimToken(field: string, value: string): string {
  if (value.length > MAX_CLAIM_TOKEN_LENGTH || CONTROL_CHARACTER.test(value)) {
    throw new InvalidArgumentError(
      field,
      `${field} must be at most ${MAX_CLAIM_TOKEN_LENGTH} printable ` +
        `characters, as issued by a claim`,
    );
  }
  return value;
}

/**
 * Validates a submit and applies the defaults: state `submitted`, target
 * `<state>-working`. `prefix` names the enclosing field (`next_task.`).
 */
export function toNewTask(
  input: SubmitInput,
  limits: Limits,
  prefix = "",
): NewTask {
  const queue = checkName(`${prefix}queue`, input.queue);
  const currentState =
    checkName(`${prefix}current_state`, input.currentState, {
      optional: true,
    }) || DEFAULT_STATE;
  const autoTargetState =
    checkName(`${prefix}auto_target_state`, input.autoTargetState, {
      optional: true,
    }) || defaultTarget(`${prefix}current_state`, currentState);

  return {
    queue,
    currentState,
    autoTargetState,
    timeout: checkTimeout(`${prefix}timeout`, input.timeout),
    priority: input.priority,
    payload: checkPayload(`${prefix}payload`, input.payload, limits),
  };
}

/** Validates a claim; the state defaults to `submitted`, the limit to 1. */
export function toClaim(input: ClaimInput): Claim {
  const limit = input.limit ?? 1;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM_LIMIT) {
    throw new InvalidArgumentError(
      "limit",
      `limit must be between 1 and ${MAX_CLAIM_LIMIT}, got ${limit}`,
    );
  }
  const override = input.overrideTimeout;
  return {
    queues: checkQueues(input),
    currentState:
      checkName("current_state", input.currentState, { optional: true }) ||
      DEFAULT_STATE,
    overrideTimeout:
      override < 0n ? -1n : checkTimeout("override_timeout", override),
    overrideCurrentState: checkName(
      "override_current_state",
      input.overrideCurrentState,
      { optional: true },
    ),
    overrideAutoTargetState: checkName(
      "override_auto_target_state",
      input.overrideAutoTargetState,
      { optional: true },
    ),
    workerId:
      checkName("worker_id", input.workerId, { optional: true }) ||
      ANONYMOUS_WORKER,
    workerIds: [],
    limit,
  };
}

function checkQueues(input: ClaimInput): string[] {
  if (input.queue !== undefined) return [checkName("queue", input.queue)];
  if (input.queues === undefined || input.queues.length === 0) {
    throw new InvalidArgumentError(
      "queues",
      `queues must name 1 to ${MAX_CLAIM_QUEUES} queues, got none`,
    );
  }
  if (input.queues.length > MAX_CLAIM_QUEUES) {
    throw new InvalidArgumentError(
      "queues",
      `queues names ${input.queues.length} queues; the limit is ` +
        `${MAX_CLAIM_QUEUES}`,
    );
  }
  const queues = input.queues.map((queue, i) =>
    checkName(`queues[${i}]`, queue),
  );
  return [...new Set(queues)];
}

/** Validates a lease extension: id, queue, a claim token, a timeout. */
export function toLeaseExtension(input: {
  uuid: string;
  queue: string;
  claimToken: string;
  timeout: bigint;
}) {
  const claimToken = checkClaimToken("claim_token", input.claimToken);
  if (claimToken === "") {
    throw new InvalidArgumentError(
      "claim_token",
      "claim_token must not be empty: it names the claim to extend",
    );
  }
  // Unlike a task's timeout, where negative means "none", a lease
  // extension has no use for a negative length: refuse it rather than
  // read it as 0 (the task's own timeout).
  if (input.timeout < 0n) {
    throw new InvalidArgumentError(
      "timeout",
      `timeout must be 0 (the task's own timeout) to ` +
        `${MAX_TIMEOUT_SECONDS} seconds (366 days), got ${input.timeout}`,
    );
  }
  return {
    uuid: checkUuid("uuid", input.uuid),
    queue: checkName("queue", input.queue),
    claimToken,
    timeout: checkTimeout("timeout", input.timeout),
  };
}

/** Validates a hand-back of a claimed task nobody worked on. */
export function toRelease(
  input: ReleasedTask,
  prefix: string,
): ReleasedTask {
  const claimToken = checkClaimToken(`${prefix}claim_token`, input.claimToken);
  if (claimToken === "") {
    throw new InvalidArgumentError(
      `${prefix}claim_token`,
      `${prefix}claim_token must not be empty: it names the claim to undo`,
    );
  }
  return {
    uuid: checkUuid(`${prefix}uuid`, input.uuid),
    queue: checkName(`${prefix}queue`, input.queue),
    claimToken,
    fromState: checkName(`${prefix}from_state`, input.fromState),
  };
}

/** Checks the size of a batch request. */
export function checkBatch<T>(field: string, items: T[], max: number): T[] {
  if (items.length === 0 || items.length > max) {
    throw new InvalidArgumentError(
      field,
      `${field} must hold 1 to ${max} entries, got ${items.length}`,
    );
  }
  return items;
}

/** Checks a long-poll wait: 0 to {@link MAX_WAIT_MS} milliseconds. */
export function checkWait(field: string, value: bigint): number {
  if (value < 0n || value > BigInt(MAX_WAIT_MS)) {
    throw new InvalidArgumentError(
      field,
      `${field} must be 0 to ${MAX_WAIT_MS} milliseconds, got ${value}`,
    );
  }
  return Number(value);
}

/** Longest long-poll wait, in milliseconds. */
export const MAX_WAIT_MS = 60_000;

/** Most entries in one batch submit or complete. */
export const MAX_BATCH = 1000;

/**
 * Validates the (uuid, queue, current_state, claim_token) guard.
 * `prefix` names the enclosing entry of a batch (`tasks[3].`).
 */
export function toGuard(input: TaskGuard, prefix = ""): TaskGuard {
  return {
    uuid: checkUuid(`${prefix}uuid`, input.uuid),
    queue: checkName(`${prefix}queue`, input.queue),
    currentState: checkName(`${prefix}current_state`, input.currentState),
    claimToken: checkClaimToken(`${prefix}claim_token`, input.claimToken),
  };
}

/**
 * The timeout an update sets. A heartbeat (`keep_in_flight`) with timeout
 * 0 keeps the task's own and re-arms from it; a negative one clears the
 * lease. Otherwise, as on submit, 0 or negative means none.
 */
function updateTimeout(input: UpdateInput): bigint | undefined {
  if (input.keepInFlight && input.timeout === 0n) return undefined;
  return checkTimeout("timeout", input.timeout);
}

/**
 * Validates an update. The target defaults to `<new_state>-working`, or,
 * with `keep_in_flight`, to "" meaning "keep the task's own".
 */
export function toUpdate(input: UpdateInput, limits: Limits): TaskUpdate {
  const guard = toGuard(input);
  const newState = checkName("new_state", input.newState);
  // A task kept in flight keeps the state a timeout would send it back to,
  // unless the caller names another; a task handed back gets the default.
  const autoTargetState =
    checkName("auto_target_state", input.autoTargetState, {
      optional: true,
    }) || (input.keepInFlight ? "" : defaultTarget("new_state", newState));

  return {
    guard,
    newState,
    autoTargetState,
    timeout: updateTimeout(input),
    priority: input.priority,
    payload:
      input.payload === undefined
        ? undefined
        : checkPayload("payload", input.payload, limits),
    keepInFlight: input.keepInFlight,
  };
}
