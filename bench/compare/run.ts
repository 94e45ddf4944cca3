/**
 * `npm run bench:compare` (the first part of `npm run bench`): Corndogs (on PostgreSQL and on SQLite, its
 * own server process) side by side with graphile-worker, pg-boss (two
 * consumption modes) and BullMQ, each with its fastest documented
 * settings and its workers in 2 worker processes. Workloads: enqueue,
 * drains at concurrency 10 and 50, idle pickup latency, and (unless
 * CORNDOGS_BENCH_MILLION=0) a drain with a million other tasks waiting.
 * Systems take turns within each of 3 repetitions; every system gets a
 * fresh schema, SQLite file or Redis key prefix per repetition, removed
 * after. Settings: see config.ts.
 *
 * Prints a table of medians with the ratio of Corndogs-on-PostgreSQL to
 * each system, the CPU split of the drains and issue #4's targets;
 * writes every sample to .bench/compare.json. Exits non-zero if any
 * task was lost or handled twice, or any phase failed or timed out.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { cleanUpOnSignals } from "../cleanup.js";
import { readConfig, type CompareConfig } from "./config.js";
import { REPO_ROOT, serverBuild } from "../server-process.js";
import {
  formatCpu,
  formatTable,
  formatTargets,
  writeReport,
} from "./report.js";
import { runSession, type SessionResult } from "./session.js";
import { round } from "./stats.js";
import { checkTargets, summarize } from "./summary.js";
import { BullMqSystem } from "./systems/bullmq.js";
import { CorndogsSystem } from "./systems/corndogs.js";
import { GraphileSystem } from "./systems/graphile.js";
import { PgBossSystem } from "./systems/pgboss.js";
import type { System, SystemName } from "./systems/system.js";

function makeSystem(name: SystemName, config: CompareConfig): System {
  const { postgresUrl, redisUrl } = config;
  switch (name) {
    case "corndogs-pg":
      return new CorndogsSystem("postgres", postgresUrl);
    case "corndogs-sqlite":
      return new CorndogsSystem("sqlite", postgresUrl);
    case "graphile-worker":
      return new GraphileSystem(postgresUrl);
    case "pg-boss-work":
      return new PgBossSystem("work", postgresUrl);
    case "pg-boss-fetch":
      return new PgBossSystem("fetch", postgresUrl);
    case "bullmq":
      return new BullMqSystem(redisUrl);
  }
}

/** The installed version of an npm package. */
function version(name: string): string {
  const path = join(REPO_ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string })
    .version;
}

/** The commit under test, marked `+changes` if src/ has edits. */
function sourceVersion(): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  try {
    const dirty = git("status", "--porcelain", "src") !== "";
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? "+changes" : ""}`;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const config = readConfig(process.env);
  const build = serverBuild();
  const source = sourceVersion();
  if ((loadavg()[0] ?? 0) > 1) {
    console.error(
      "bench:compare: WARNING: the machine is busy (load average " +
        `${loadavg()[0]?.toFixed(2)}): numbers will be disturbed`,
    );
  }
  const started = process.hrtime.bigint();
  const load = { start: loadavg()[0] ?? 0, end: 0 };
  const sessions: SessionResult[] = [];
  for (let rep = 1; rep <= config.reps; rep++) {
    // Take turns, each repetition starting one system later.
    const order = config.systems.map(
      (_, i) => config.systems[(i + rep - 1) % config.systems.length]!,
    );
    for (const name of order) {
      const session = await runSession(makeSystem(name, config), config, rep);
      sessions.push(session);
      const status = session.error ? `FAILED: ${session.error}` : "ok";
      console.error(
        `bench:compare: rep ${rep} ${name}: ${status} (${session.seconds} s)`,
      );
    }
  }
  const totalSeconds = round(
    Number(process.hrtime.bigint() - started) / 1e9,
    1,
  );
  load.end = loadavg()[0] ?? 0;

  const cells = summarize(sessions);
  const targets = checkTargets(cells);
  const failures = sessions.filter((s) => s.error !== undefined);
  const systems = Object.fromEntries(
    config.systems.map((name) => [name, makeSystem(name, config).settings]),
  );
  writeReport(join(REPO_ROOT, config.resultsPath), {
    ok: failures.length === 0,
    startedAt: new Date(Date.now() - totalSeconds * 1000).toISOString(),
    totalSeconds,
    node: process.version,
    cpus: cpus().length,
    loadAverage: load,
    serverBuild: build.build,
    source,
    versions: Object.fromEntries(
      ["pg-boss", "graphile-worker", "bullmq", "ioredis", "pg"].map((n) => [
        n,
        version(n),
      ]),
    ),
    config,
    systems,
    summary: cells,
    targets,
    sessions,
  });

  console.log(formatTable(cells, config));
  console.log(`\n${formatCpu(sessions, config)}`);
  console.log(`\n${formatTargets(targets)}`);
  for (const failure of failures) {
    console.log(`\nFAILED: rep ${failure.rep} ${failure.system}:`);
    console.log(failure.error);
  }
  console.log(
    `\n${failures.length === 0 ? "ok" : "FAILED"} in ${totalSeconds} s ` +
      `(load average ${load.start.toFixed(2)} → ${load.end.toFixed(2)}, ` +
      `corndogs ${source} from ${build.build}); ` +
      `results in ${config.resultsPath}`,
  );
  return failures.length === 0 ? 0 : 1;
}

cleanUpOnSignals();

// Exit explicitly: idle connections would keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
