/**
 * Benchmark settings, read from CORNDOGS_BENCH_* environment variables.
 * The defaults keep a full run (both stores, 1 and 16 workers) to a few
 * minutes on a small machine.
 */

/** The stores the benchmark can run against. */
export type StoreKind = "sqlite" | "postgres";

/** Everything one benchmark run needs. */
export interface BenchConfig {
  /** Tasks submitted, then claimed and completed, per run. */
  tasks: number;
  /**
   * Tasks submitted, claimed and completed on a separate queue before
   * measuring, so that both processes run JIT-compiled code.
   */
  warmupTasks: number;
  /** Numbers of concurrent submitters / workers, one run each. */
  workers: number[];
  /** Stores to run against, in order. */
  stores: StoreKind[];
  /** PostgreSQL server; each run gets a fresh `bench_*` schema in it. */
  postgresUrl: string;
  /** Longest a single phase (submit, drain) may take. */
  phaseTimeoutMs: number;
  /** Longest the server may take to start listening. */
  startTimeoutMs: number;
  /** Where the JSON results go, relative to the repository root. */
  resultsPath: string;
}

/** A bad setting, reported with the variable it came from. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const STORES: readonly StoreKind[] = ["sqlite", "postgres"];

/** Reads the settings from `env` (normally `process.env`). */
export function readConfig(env: NodeJS.ProcessEnv): BenchConfig {
  return {
    tasks: positiveInt(env, "CORNDOGS_BENCH_TASKS", 5000),
    warmupTasks: wholeNumber(env, "CORNDOGS_BENCH_WARMUP", 500, 0),
    workers: intList(env, "CORNDOGS_BENCH_WORKERS", [1, 16]),
    stores: storeList(env, "CORNDOGS_BENCH_STORES"),
    postgresUrl:
      env.CORNDOGS_BENCH_DATABASE_URL ??
      "postgres://postgres@127.0.0.1:5432/test",
    phaseTimeoutMs: positiveInt(
      env,
      "CORNDOGS_BENCH_PHASE_TIMEOUT_MS",
      120_000,
    ),
    startTimeoutMs: 30_000,
    resultsPath: ".bench/results.json",
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number) {
  return wholeNumber(env, name, fallback, 1);
}

function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/u.test(raw) || value < min) {
    throw new ConfigError(`${name}=${raw}: expected a whole number >= ${min}`);
  }
  return value;
}

function intList(env: NodeJS.ProcessEnv, name: string, fallback: number[]) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  return raw.split(",").map((part) => {
    const value = Number(part.trim());
    if (!/^\d+$/u.test(part.trim()) || value < 1) {
      throw new ConfigError(`${name}=${raw}: expected e.g. 1,16`);
    }
    return value;
  });
}

function storeList(env: NodeJS.ProcessEnv, name: string): StoreKind[] {
  const raw = env[name];
  if (raw === undefined || raw === "") return [...STORES];
  return raw.split(",").map((part) => {
    const kind = part.trim() as StoreKind;
    if (!STORES.includes(kind)) {
      throw new ConfigError(`${name}=${raw}: expected sqlite and/or postgres`);
    }
    return kind;
  });
}
