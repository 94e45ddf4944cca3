/**
 * `npm run bench:stats` (part of `npm run bench`): the statistics
 * machinery on a busy PostgreSQL. Seeds 1,000,000 archived and 100,000
 * live tasks plus a day of history, then measures each statistics call
 * (p50/p95 over repeated calls), a /metrics scrape, and claim+complete
 * throughput with statistics on and off (interleaved, median of 3).
 *
 * Settings (environment): CORNDOGS_BENCH_DATABASE_URL (the local test
 * PostgreSQL), CORNDOGS_BENCH_ARCHIVED (1000000), CORNDOGS_BENCH_LIVE
 * (100000), CORNDOGS_BENCH_STATS_TASKS (10000), CORNDOGS_BENCH_REPS (3).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createCorndogsClient } from "../../src/client/client.js";
import { startServer, type ServerProcess } from "../server-process.js";
import { drainWithWorkers, timeCalls, type CallTiming } from "./measure.js";
import { seed } from "./seed.js";

const env = process.env;
const BASE_URL =
  env.CORNDOGS_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ARCHIVED = Number(env.CORNDOGS_BENCH_ARCHIVED ?? 1_000_000);
const LIVE = Number(env.CORNDOGS_BENCH_LIVE ?? 100_000);
const TASKS = Number(env.CORNDOGS_BENCH_STATS_TASKS ?? 10_000);
const REPS = Number(env.CORNDOGS_BENCH_REPS ?? 3);
const CALLS = 40;

async function main() {
  const schema = `bench_stats_${randomBytes(4).toString("hex")}`;
  const url = new URL(BASE_URL);
  url.searchParams.set("schema", schema);
  try {
    await measureAll(url.toString(), schema);
  } finally {
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

async function measureAll(url: string, schema: string) {
  let server = await serve(url, "on");
  const started = Date.now();
  await seed(url, schema, { archived: ARCHIVED, live: LIVE, queues: 10 });
  console.log(
    `seeded ${ARCHIVED} archived, ${LIVE} live tasks and a day of ` +
      `history in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const client = createCorndogsClient({ baseUrl: server.baseUrl });
  const q = "queue-3";
  const timings: CallTiming[] = await timeCalls(CALLS, {
    GetQueueStats: () => client.getQueueStats({}),
    "GetQueueStats(queue)": () => client.getQueueStats({ queue: q }),
    GetTimeoutStats: () => client.getTimeoutStats({}),
    GetWorkers: () => client.getWorkers({ withinMinutes: 60n }),
    GetCompletionHistory: () => client.getCompletionHistory({ bucketMinutes: 5n }),
    GetWorkDurations: () => client.getWorkDurations({}),
    GetQueueAndStateCounts: () => client.getQueueAndStateCounts({}),
    "/metrics scrape": () => fetch(`${server.opsUrl}/metrics`).then((r) => r.text()),
  });
  await server.stop();

  const throughput: Record<"on" | "off", number[]> = { on: [], off: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const stats of ["on", "off"] as const) {
      server = await serve(url, stats);
      try {
        const rate = await drainWithWorkers(server.baseUrl, `drain-${stats}-${rep}`, TASKS);
        throughput[stats].push(rate);
      } finally {
        await server.stop();
      }
    }
  }
  report(timings, throughput);
}

async function serve(url: string, stats: "on" | "off") {
  process.env.CORNDOGS_STATS = stats;
  process.env.CORNDOGS_MAINTENANCE_INTERVAL_MS = "1000";
  const server = await startServer(url, 60_000);
  return { ...server, opsUrl: await opsUrlOf(server) };
}

/** The ops address, read from the server's "listening" log line. */
async function opsUrlOf(server: ServerProcess): Promise<string> {
  const line = server.output().split("\n").find((l) => l.includes('"server: listening"'));
  const port = line ? (JSON.parse(line) as { ops_port: number }).ops_port : 0;
  return `http://127.0.0.1:${port}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function report(timings: CallTiming[], throughput: Record<"on" | "off", number[]>) {
  console.log("\ncall                          p50 ms   p95 ms   max ms");
  for (const t of timings) {
    console.log(
      `${t.name.padEnd(28)} ${t.p50.toFixed(1).padStart(7)}  ${t.p95.toFixed(1).padStart(7)}  ${t.max.toFixed(1).padStart(7)}`,
    );
  }
  const on = median(throughput.on);
  const off = median(throughput.off);
  console.log(
    `\nclaim+complete, ${TASKS} tasks, Worker concurrency 50, median of ${REPS}:` +
      `\n  statistics on:  ${on.toFixed(0)} tasks/s  (${throughput.on.map((v) => v.toFixed(0)).join(", ")})` +
      `\n  statistics off: ${off.toFixed(0)} tasks/s  (${throughput.off.map((v) => v.toFixed(0)).join(", ")})` +
      `\n  on / off: ${((on / off) * 100).toFixed(1)} %`,
  );
}

await main();
