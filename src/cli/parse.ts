/**
 * Parsers for command-line option values. Each throws commander's
 * `InvalidArgumentError` with a message that names the option and what
 * is allowed, so a bad value stops the command before any request.
 */
import { InvalidArgumentError, Option } from "commander";
import { MAX_TIMEOUT_SECONDS, MAX_WAIT_MS } from "../domain/validate.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A parser for a whole number from `min` to `max`, as a bigint. */
export function integerOption(
  flag: string,
  min: bigint = INT64_MIN,
  max: bigint = INT64_MAX,
  unit = "",
): (value: string) => bigint {
  return (value: string) => {
    const number = /^[-+]?\d+$/u.test(value.trim())
      ? BigInt(value.trim())
      : undefined;
    if (number === undefined || number < min || number > max) {
      const of = unit === "" ? "" : ` of ${unit}`;
      throw new InvalidArgumentError(
        `${flag} must be a whole number${of} from ${min} to ${max}.`,
      );
    }
    return number;
  };
}

/** Parses `--priority`: any int64. */
export const priorityOption = integerOption("--priority");

/** A parser for a lease length: 0 (none) to 366 days, in seconds. */
export function timeoutOption(flag: string): (value: string) => bigint {
  return integerOption(flag, 0n, MAX_TIMEOUT_SECONDS, "seconds");
}

/** A parser for a number of minutes: 1 to 31 days' worth. */
export function minutesOption(flag: string): (value: string) => bigint {
  return integerOption(flag, 1n, 31n * 24n * 60n, "minutes");
}

/**
 * A parser for an override lease: -1 clears the lease, 0 keeps the
 * task's own, a positive value sets it (at most 366 days).
 */
export function overrideTimeoutOption(flag: string): (value: string) => bigint {
  return integerOption(flag, -1n, MAX_TIMEOUT_SECONDS, "seconds");
}

/** Longest long poll the server accepts, in whole seconds. */
export const MAX_WAIT_SECONDS = BigInt(Math.floor(MAX_WAIT_MS / 1000));

/** A parser for a long-poll wait: 0 (answer at once) to 60 seconds. */
export function waitOption(flag: string): (value: string) => bigint {
  return integerOption(flag, 0n, MAX_WAIT_SECONDS, "seconds");
}

/**
 * Parses a point in time given as Unix nanoseconds (digits only) or as an
 * ISO 8601 time such as 2024-05-01T12:00:00Z; returns Unix nanoseconds.
 */
export function timeOption(flag: string): (value: string) => bigint {
  return (value: string) => {
    const text = value.trim();
    if (/^\d+$/u.test(text) && BigInt(text) <= INT64_MAX) return BigInt(text);
    const iso = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/u;
    const ms = iso.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(ms) || ms < 0) {
      throw new InvalidArgumentError(
        `${flag} must be an ISO 8601 time (e.g. 2024-05-01T12:00:00Z) ` +
          `or Unix nanoseconds from 0 to ${INT64_MAX}.`,
      );
    }
    return BigInt(ms) * 1_000_000n;
  };
}

/** Parses `--server`: an http:// or https:// URL. */
export function serverOption(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^https?:$/u.test(url.protocol)) {
    throw new InvalidArgumentError(
      "--server must be an http:// or https:// URL, " +
        "e.g. http://localhost:5080.",
    );
  }
  return value.replace(/\/+$/u, "");
}

/**
 * An option with a whole-number value and a default. The default is shown
 * in the help as text: commander cannot print a bigint.
 */
export function numberOption(
  flags: string,
  description: string,
  parse: (value: string) => bigint,
  defaultValue: bigint,
): Option {
  return new Option(flags, description)
    .argParser(parse)
    .default(defaultValue, String(defaultValue));
}
