/**
 * The one place where errors become RPC status codes. Domain errors keep
 * their message; anything else is logged and reported as a bare internal
 * error, so no database text ever reaches a client.
 */
import type { DescMessage } from "@bufbuild/protobuf";
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

/** How connect-es starts the message of a binary body that does not parse. */
const BINARY_PARSE_ERROR = "parse binary: ";

/**
 * How protobuf-es reports a JSON value that is not an int64: "… out of
 * range" even when it is no number at all ("abc", 1.5).
 */
const JSON_INT64_ERROR =
  /^(cannot decode field \S+ from JSON: )expected (?:bigint|string) \((?:s?int64|sfixed64)\): (.*) out of range$/su;

/**
 * The error a client should see for one connect-es raised while decoding
 * a request body of type `input`, before any interceptor ran; undefined
 * keeps it as it is. connect-es reports a binary body that does not parse
 * (truncated, invalid UTF-8 in a string) as internal with the parser's
 * reason: it is the request's fault, so it becomes invalid_argument,
 * keeping the reason (about the bytes received, never the server). A JSON
 * int64 that is no whole number keeps the field protobuf-es names, with
 * a reason that says so.
 */
export function toDecodeError(
  err: ConnectError,
  input: DescMessage,
): ConnectError | undefined {
  if (
    err.code === Code.Internal &&
    err.rawMessage.startsWith(BINARY_PARSE_ERROR)
  ) {
    const reason = err.rawMessage.slice(BINARY_PARSE_ERROR.length);
    // No colon before the reason: gRPC clients that decode grpc-message
    // with decodeURI (grpc-js) would show connect-es's %3A for it.
    return new ConnectError(
      `request body is not a valid ${input.typeName} in the protobuf ` +
        `binary format (${reason})`,
      Code.InvalidArgument,
    );
  }
  const int64 =
    err.code === Code.InvalidArgument
      ? JSON_INT64_ERROR.exec(err.rawMessage)
      : null;
  if (int64 !== null) {
    const [, field = "", value = ""] = int64;
    const range = "-9223372036854775808 to 9223372036854775807";
    return new ConnectError(
      /^-?\d+$/u.test(value)
        ? `${field}${value} is out of range for an int64 (${range})`
        : `${field}expected an int64 (a whole number from ${range}, as a ` +
            `JSON number or string), got ${value}`,
      Code.InvalidArgument,
    );
  }
  return undefined;
}
