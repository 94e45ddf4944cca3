/**
 * `npm run bench`: submit and claim+complete throughput of a real
 * `corndogs serve` (a child process) over gRPC, on SQLite and on
 * PostgreSQL, with 1 and 16 concurrent workers. Each store × workers run
 * gets a fresh database and a fresh server. Prints a table, writes
 * .bench/results.json, and exits non-zero if any task was lost, claimed
 * twice or left behind, or a phase went over its time limit.
 *
 * Settings (environment): CORNDOGS_BENCH_TASKS (5000),
 * CORNDOGS_BENCH_WORKERS (1,16), CORNDOGS_BENCH_STORES (sqlite,postgres),
 * CORNDOGS_BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test),
 * CORNDOGS_BENCH_PHASE_TIMEOUT_MS (120000), CORNDOGS_BENCH_WARMUP (500
 * tasks through a separate queue before measuring; 0 for none),
 * CORNDOGS_BENCH_SERVER_NODE_ARGS (extra Node.js flags for the server).
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createCorndogsClient } from "../src/client/client.js";
import { cleanUpOnSignals, withCleanup } from "./cleanup.js";
import { readConfig, type BenchConfig, type StoreKind } from "./config.js";
import { createDatabase } from "./databases.js";
import {
  drainPhase,
  submitPhase,
  workerClients,
  type LoadTarget,
} from "./load.js";
import {
  formatTable,
  writeReport,
  type BenchReport,
  type PhaseResult,
  type RunResult,
} from "./report.js";
import {
  REPO_ROOT,
  startServer,
  type ServerProcess,
} from "./server-process.js";
import { percentile, round } from "./stats.js";
import { checkClaimedOnce, checkQueuesEmpty } from "./verify.js";

/** One store × workers run on a fresh database and server. */
async function benchOne(
  config: BenchConfig,
  store: StoreKind,
  workers: number,
): Promise<RunResult> {
  const database = await createDatabase(store, config.postgresUrl);
  try {
    return await withCleanup(database.drop, async () => {
      const server = await startServer(database.url, config.startTimeoutMs);
      try {
        return await withCleanup(server.stop, () =>
          measure(config, server, store, workers),
        );
      } catch (err) {
        const tail = server.output().split("\n").slice(-20).join("\n");
        throw new Error(`${store} × ${workers}: ${String(err)}\n${tail}`);
      } finally {
        await server.stop();
      }
    });
  } finally {
    await database.drop();
  }
}

/** Runs both phases against `server` and checks the outcome. */
async function measure(
  config: BenchConfig,
  server: ServerProcess,
  store: StoreKind,
  workers: number,
): Promise<RunResult> {
  const target: LoadTarget = {
    clients: workerClients(server.baseUrl, workers),
    queue: `bench-${store}-${workers}`,
    timeoutMs: config.phaseTimeoutMs,
  };
  const tasks = config.tasks;
  await warmUp(target, config.warmupTasks);

  let mark = usage(server);
  const submitted = await submitPhase(target, tasks);
  const submit = phaseResult(server, mark, submitted.seconds, tasks);

  mark = usage(server);
  const drained = await drainPhase(target);
  const drain = phaseResult(server, mark, drained.seconds, tasks);

  checkClaimedOnce(submitted.uuids, drained.claimed);
  await checkQueuesEmpty(createCorndogsClient({ baseUrl: server.baseUrl }));
  return {
    store,
    workers,
    tasks,
    submit,
    drain: {
      ...drain,
      claimP50Ms: round(percentile(drained.claimLatenciesMs, 50), 3),
      claimP99Ms: round(percentile(drained.claimLatenciesMs, 99), 3),
    },
  };
}

/**
 * Pushes `tasks` tasks through a separate queue, unmeasured, so that the
 * measured phases run on warm (JIT-compiled) code in both processes.
 */
async function warmUp(target: LoadTarget, tasks: number) {
  if (tasks === 0) return;
  const warmup = { ...target, queue: `${target.queue}-warmup` };
  const submitted = await submitPhase(warmup, tasks);
  const drained = await drainPhase(warmup);
  checkClaimedOnce(submitted.uuids, drained.claimed);
}

/** CPU used so far by the server and by this process, in ms. */
function usage(server: ServerProcess) {
  const own = process.cpuUsage();
  return { server: server.cpuMs(), client: (own.user + own.system) / 1000 };
}

function phaseResult(
  server: ServerProcess,
  before: ReturnType<typeof usage>,
  seconds: number,
  tasks: number,
): PhaseResult {
  const after = usage(server);
  return {
    seconds: round(seconds, 3),
    tasksPerSecond: round(tasks / seconds, 1),
    serverRssBytes: server.rssBytes(),
    serverCpuMs: round(after.server - before.server, 0),
    clientCpuMs: round(after.client - before.client, 0),
  };
}

async function main(): Promise<number> {
  const config = readConfig(process.env);
  const started = performance.now();
  const report: BenchReport = {
    ok: false,
    startedAt: new Date().toISOString(),
    totalSeconds: 0,
    node: process.version,
    cpus: cpus().length,
    loadAverage: { start: loadavg()[0] ?? 0, end: 0 },
    warmupTasks: config.warmupTasks,
    runs: [],
  };
  try {
    for (const store of config.stores) {
      for (const workers of config.workers) {
        console.error(
          `bench: ${store}, ${workers} worker(s), ${config.tasks} tasks…`,
        );
        report.runs.push(await benchOne(config, store, workers));
      }
    }
    report.ok = true;
  } catch (err) {
    report.error = err instanceof Error ? (err.stack ?? err.message) : `${err}`;
    console.error(`bench: FAILED: ${report.error}`);
  }
  report.totalSeconds = round((performance.now() - started) / 1000, 1);
  report.loadAverage.end = loadavg()[0] ?? 0;
  writeReport(join(REPO_ROOT, config.resultsPath), report);
  if (report.runs.length > 0) console.log(formatTable(report.runs));
  const load = report.loadAverage;
  console.log(
    `\n${report.ok ? "ok" : "FAILED"} in ${report.totalSeconds} s ` +
      `(load average ${load.start.toFixed(2)} → ${load.end.toFixed(2)}); ` +
      `results in ${config.resultsPath}`,
  );
  return report.ok ? 0 : 1;
}

// Stops the server and drops its database; should that fail, the exit
// hook in server-process.ts still kills the server.
cleanUpOnSignals();

// Exit explicitly: idle client connections would keep the process alive.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
