/**
 * Server settings: their defaults, environment variables and validation.
 * Every value is checked at start; a bad one stops the server with a
 * message naming the variable (or flag), the value and what is allowed.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";

/** Everything `corndogs serve` needs. */
export interface ServeSettings {
  databaseUrl: string;
  listen: HostPort;
  httpListen: HostPort;
  maxPayloadBytes: number;
  sweepIntervalMs: number;
  shutdownGraceMs: number;
  logLevel: LogLevel;
  pgNotify: boolean;
  pgPrepare: boolean;
  stats: boolean;
  statsFlushMs: number;
  maintenanceIntervalMs: number;
  archiveRetentionHours: number;
  historyRetentionHours: number;
  metricsMaxQueues: number;
}

export interface HostPort {
  host: string;
  port: number;
}

export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One setting: its flag, environment variable, default and parser. */
export interface SettingSpec<T> {
  flag: string;
  env: string;
  defaultValue: string;
  description: string;
  parse: (value: string, source: string) => T;
}

/** A bad setting; `source` is the variable or flag it came from. */
export class SettingError extends Error {
  override readonly name = "SettingError";
}

function fail(source: string, value: string, allowed: string): never {
  throw new SettingError(
    `${source}=${JSON.stringify(value)} is not valid: expected ${allowed}`,
  );
}

/** Parses "host:port" (port 0 picks a free one). */
export function parseHostPort(value: string, source: string): HostPort {
  const match = /^(.*):(\d{1,5})$/u.exec(value);
  const host = match?.[1]?.replace(/^\[(.*)\]$/u, "$1") ?? "";
  const port = Number(match?.[2]);
  if (!match || host === "" || port > 65535) {
    fail(
      source,
      value,
      "HOST:PORT with a port from 0 to 65535, e.g. 0.0.0.0:5080",
    );
  }
  return { host, port };
}

function integerIn(min: number, max: number, unit: string) {
  return (value: string, source: string): number => {
    const number = Number(value);
    if (!/^\d+$/u.test(value) || number < min || number > max) {
      fail(source, value, `a whole number of ${unit} from ${min} to ${max}`);
    }
    return number;
  };
}

const STORE_URLS =
  "sqlite:PATH, sqlite::memory:, postgres://…, postgresql://… " +
  "or cockroachdb://…";

/**
 * Parses a store URL (SPEC §5). Messages show the URL without its
 * password.
 */
export function parseDatabaseUrl(value: string, source: string): string {
  const shown = redactUrl(value);
  if (value.startsWith("sqlite:")) {
    const path = sqlitePath(value);
    if (path === "") {
      fail(source, shown, "sqlite:PATH with a file path, or sqlite::memory:");
    }
    checkSqlitePath(path, source, shown);
    return value;
  }
  if (!/^(postgres|postgresql|cockroachdb):\/\//u.test(value)) {
    fail(source, shown, STORE_URLS);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(source, shown, `a valid URL: ${STORE_URLS}`);
  }
  const schema = url.searchParams.get("schema");
  // The long-poll channel "<schema>.waiting" must fit PostgreSQL's
  // 63-byte names.
  if (schema !== null && (schema === "" || Buffer.byteLength(schema) > 48)) {
    fail(source, shown, "?schema= with 1 to 48 bytes (or none: corndogs)");
  }
  return value;
}

/** The file a `sqlite:` URL names (`sqlite:PATH` or `sqlite://PATH`). */
export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/u, "");
}

/**
 * Checks that SQLite can create or open `path`: its directory exists, it
 * is not itself a directory, and this process may write there. SQLite
 * reports none of these clearly ("unable to open database file").
 */
function checkSqlitePath(path: string, source: string, shown: string) {
  if (path === ":memory:") return;
  const invalid = (why: string): never => {
    throw new SettingError(
      `${source}=${JSON.stringify(shown)} is not valid: ${why}`,
    );
  };
  const stat = (file: string) => {
    try {
      return statSync(file, { throwIfNoEntry: false });
    } catch (err) {
      // ENOTDIR: a component of the path is a file.
      if ((err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      return invalid(`cannot read ${file}: ${(err as Error).message}`);
    }
  };
  const writable = (file: string) => {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch {
      invalid(`${file} is not readable and writable by this process`);
    }
  };

  const file = stat(path);
  if (file?.isDirectory()) {
    invalid(`${path} is a directory; expected sqlite:PATH naming a file`);
  }
  if (file !== undefined) return writable(path);
  const dir = dirname(path);
  const parent = stat(dir);
  if (parent === undefined) {
    return invalid(`the directory ${dir} does not exist; create it first`);
  }
  if (!parent.isDirectory()) invalid(`${dir} is not a directory`);
  writable(dir);
}

/** A database URL with its password replaced by ***. */
export function redactUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !parsed.host) {
    // Not a URL the parser takes: hide everything from the user's ":" to
    // the last "@" before the path, whatever the password holds.
    return url.replace(/(\/\/[^:/@?#]*:)[^/?#]*@/u, "$1***@");
  }
  if (parsed.password !== "") parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) {
    if (key.toLowerCase() === "password") parsed.searchParams.set(key, "***");
  }
  return parsed.toString();
}

function parseOnOff(value: string, source: string): boolean {
  if (value === "on") return true;
  if (value === "off") return false;
  return fail(source, value, "on or off");
}

function parseLogLevel(value: string, source: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    fail(source, value, `one of ${LOG_LEVELS.join(", ")}`);
  }
  return value as LogLevel;
}

/** The settings of `corndogs serve`, in the order the docs list them. */
export const SERVE_SETTINGS: {
  [K in keyof ServeSettings]: SettingSpec<ServeSettings[K]>;
} = {
  databaseUrl: {
    flag: "--database-url",
    env: "CORNDOGS_DATABASE_URL",
    defaultValue: "sqlite:./corndogs.db",
    description: "the store: sqlite:PATH, sqlite::memory: or postgres://…",
    parse: parseDatabaseUrl,
  },
  listen: {
    flag: "--listen",
    env: "CORNDOGS_LISTEN",
    defaultValue: "0.0.0.0:5080",
    description: "API address: gRPC and HTTP/JSON",
    parse: parseHostPort,
  },
  httpListen: {
    flag: "--http-listen",
    env: "CORNDOGS_HTTP_LISTEN",
    defaultValue: "0.0.0.0:8080",
    description: "ops address: /healthz, /readyz, /metrics",
    parse: parseHostPort,
  },
  maxPayloadBytes: {
    flag: "--max-payload-bytes",
    env: "CORNDOGS_MAX_PAYLOAD_BYTES",
    defaultValue: "16777216",
    // PostgreSQL sends bytea to the driver as hex text, twice the size;
    // 64 MiB keeps that far below Node's largest string (512 MiB).
    description: "largest accepted payload, in bytes (at most 64 MiB)",
    parse: integerIn(0, 64 * 1024 * 1024, "bytes"),
  },
  sweepIntervalMs: {
    flag: "--sweep-interval-ms",
    env: "CORNDOGS_SWEEP_INTERVAL_MS",
    defaultValue: "1000",
    description: "how often expired leases are swept, in milliseconds",
    parse: integerIn(10, 3_600_000, "milliseconds"),
  },
  shutdownGraceMs: {
    flag: "--shutdown-grace-ms",
    env: "CORNDOGS_SHUTDOWN_GRACE_MS",
    defaultValue: "10000",
    description: "how long requests in flight may finish on SIGTERM",
    parse: integerIn(0, 600_000, "milliseconds"),
  },
  logLevel: {
    flag: "--log-level",
    env: "CORNDOGS_LOG_LEVEL",
    defaultValue: "info",
    description: `log level: ${LOG_LEVELS.join(", ")}`,
    parse: parseLogLevel,
  },
  pgNotify: {
    flag: "--pg-notify",
    env: "CORNDOGS_PG_NOTIFY",
    defaultValue: "on",
    description:
      "wake long polls with PostgreSQL LISTEN/NOTIFY: on, off (off behind " +
      "PgBouncer in transaction mode; claims then poll)",
    parse: parseOnOff,
  },
  pgPrepare: {
    flag: "--pg-prepare",
    env: "CORNDOGS_PG_PREPARE",
    defaultValue: "on",
    description:
      "prepare the task statements once per PostgreSQL connection: on, " +
      "off (off behind PgBouncer in transaction mode before 1.21 or " +
      "without max_prepared_statements)",
    parse: parseOnOff,
  },
  stats: {
    flag: "--stats",
    env: "CORNDOGS_STATS",
    defaultValue: "on",
    description: "record statistics (workers, history, durations): on, off",
    parse: parseOnOff,
  },
  statsFlushMs: {
    flag: "--stats-flush-ms",
    env: "CORNDOGS_STATS_FLUSH_MS",
    defaultValue: "1000",
    description: "how often counted statistics are written, in milliseconds",
    parse: integerIn(50, 60_000, "milliseconds"),
  },
  maintenanceIntervalMs: {
    flag: "--maintenance-interval-ms",
    env: "CORNDOGS_MAINTENANCE_INTERVAL_MS",
    defaultValue: "10000",
    description:
      "how often the live-task gauges are refreshed and old rows pruned",
    parse: integerIn(100, 600_000, "milliseconds"),
  },
  archiveRetentionHours: {
    flag: "--archive-retention-hours",
    env: "CORNDOGS_ARCHIVE_RETENTION_HOURS",
    defaultValue: "168",
    description: "how long completed and canceled tasks are kept",
    parse: integerIn(1, 24 * 3660, "hours"),
  },
  historyRetentionHours: {
    flag: "--history-retention-hours",
    env: "CORNDOGS_HISTORY_RETENTION_HOURS",
    defaultValue: "744",
    description: "how long statistics history and idle workers are kept",
    parse: integerIn(1, 24 * 3660, "hours"),
  },
  metricsMaxQueues: {
    flag: "--metrics-max-queues",
    env: "CORNDOGS_METRICS_MAX_QUEUES",
    defaultValue: "200",
    description: "most queues with their own metric labels; others: _other",
    parse: integerIn(1, 100_000, "queues"),
  },
};
