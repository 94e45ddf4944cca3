/**
 * Settings of `npm run bench:compare`, from CORNDOGS_BENCH_* variables:
 *
 * - CORNDOGS_BENCH_MILLION=0: skip the drain with a million other tasks
 *   waiting (it adds several minutes per repetition).
 * - CORNDOGS_BENCH_SYSTEMS: a comma-separated subset of the systems.
 * - CORNDOGS_BENCH_TASKS (20000), CORNDOGS_BENCH_REPS (3),
 *   CORNDOGS_BENCH_LATENCY_TRIES (200), CORNDOGS_BENCH_OTHERS (1000000).
 * - CORNDOGS_BENCH_POLLED_LATENCY_TRIES (60): latency tries of a system
 *   whose idle consumers poll (pg-boss): each try takes a whole polling
 *   interval there (0.5 s), and the answer is that interval's spread.
 * - CORNDOGS_BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test),
 *   CORNDOGS_BENCH_REDIS_URL (redis://127.0.0.1:6379).
 * - CORNDOGS_BENCH_PHASE_TIMEOUT_MS (180000): the longest any phase may
 *   take; seeding gets five times as long.
 */
import { SYSTEM_NAMES, type SystemName } from "./systems/system.js";

export interface CompareConfig {
  systems: SystemName[];
  tasks: number;
  reps: number;
  latencyTries: number;
  /** Latency tries of systems that poll (see above). */
  polledLatencyTries: number;
  /** Tasks seeded for the million workload; 0 skips it. */
  others: number;
  /** Total concurrencies of the two drains. */
  concurrencies: [number, number];
  /** Worker processes per system. */
  workerProcesses: number;
  /** Tasks through every system before measuring (JIT, connections). */
  warmupTasks: number;
  postgresUrl: string;
  redisUrl: string;
  phaseTimeoutMs: number;
  resultsPath: string;
}

export function readConfig(env: NodeJS.ProcessEnv): CompareConfig {
  const million = env.CORNDOGS_BENCH_MILLION !== "0";
  return {
    systems: systemList(env.CORNDOGS_BENCH_SYSTEMS),
    tasks: whole(env, "CORNDOGS_BENCH_TASKS", 20_000),
    reps: whole(env, "CORNDOGS_BENCH_REPS", 3),
    latencyTries: whole(env, "CORNDOGS_BENCH_LATENCY_TRIES", 200),
    polledLatencyTries: whole(env, "CORNDOGS_BENCH_POLLED_LATENCY_TRIES", 60),
    others: million ? whole(env, "CORNDOGS_BENCH_OTHERS", 1_000_000) : 0,
    concurrencies: [10, 50],
    workerProcesses: 2,
    warmupTasks: 1000,
    postgresUrl:
      env.CORNDOGS_BENCH_DATABASE_URL ??
      "postgres://postgres@127.0.0.1:5432/test",
    redisUrl: env.CORNDOGS_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    phaseTimeoutMs: whole(env, "CORNDOGS_BENCH_PHASE_TIMEOUT_MS", 180_000),
    resultsPath: ".bench/compare.json",
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/u.test(raw) || Number(raw) < 1) {
    throw new Error(`${name}=${raw}: expected a whole number >= 1`);
  }
  return Number(raw);
}

function systemList(raw: string | undefined): SystemName[] {
  if (raw === undefined || raw === "") return [...SYSTEM_NAMES];
  return raw.split(",").map((part) => {
    const name = part.trim() as SystemName;
    if (!SYSTEM_NAMES.includes(name)) {
      throw new Error(
        `CORNDOGS_BENCH_SYSTEMS=${raw}: expected some of ` +
          SYSTEM_NAMES.join(", "),
      );
    }
    return name;
  });
}
