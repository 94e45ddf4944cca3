/**
 * The one place where errors become RPC status codes. Domain errors keep
 * their message; anything else is logged and reported as a bare internal
 * error, so no database text ever reaches a client.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import {
  InvalidArgumentError,
  PreconditionError,
  TaskNotFoundError,
} from "../domain/errors.js";

/** Maps any thrown value to the error a client should see. */
export function toConnectError(err: unknown, log: Logger): ConnectError {
  const known = toKnownError(err);
  if (known !== undefined) return known;
  // Errors raised by the RPC framework itself (bad encoding, size limits,
  // aborted calls) are about the request and safe to show.
  if (err instanceof ConnectError) return err;

  log.error({ err }, "rpc: internal error");
  return new ConnectError("internal error", Code.Internal);
}

/**
 * A domain error as a status code name ("failed_precondition") and its
 * message, for answers that report errors per entry of a batch.
 */
export function describeError(err: Error): {
  code: string;
  rawMessage: string;
} {
  const known = toKnownError(err);
  if (known === undefined) throw err;
  const name = Code[known.code].replace(
    /[A-Z]/gu,
    (c) => `_${c.toLowerCase()}`,
  );
  return { code: name.slice(1), rawMessage: known.rawMessage };
}

function toKnownError(err: unknown): ConnectError | undefined {
  if (err instanceof InvalidArgumentError) {
    return new ConnectError(err.message, Code.InvalidArgument);
  }
  if (err instanceof TaskNotFoundError) {
    return new ConnectError(err.message, Code.NotFound);
  }
  if (err instanceof PreconditionError) {
    return new ConnectError(err.message, Code.FailedPrecondition);
  }
  return undefined;
}

/** An interceptor that applies {@link toConnectError} to every call. */
export function errorMapping(log: Logger): Interceptor {
  return (next) => async (request) => {
    try {
      return await next(request);
    } catch (err) {
      throw toConnectError(err, log);
    }
  };
}
