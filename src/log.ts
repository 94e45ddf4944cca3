/**
 * Structured JSON logs with pino. Messages are constant phrases prefixed
 * by their component ("sweeper: leases expired"); ids, counts and
 * durations go in snake_case fields, errors under `err`.
 */
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config/settings.js";

/** A logger writing JSON lines to stdout. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: "corndogs" } });
}
