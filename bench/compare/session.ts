/**
 * One repetition of every workload on one system, from a fresh setup:
 *
 * 1. warm-up (tasks through the whole path, not measured);
 * 2. enqueue N tasks with the batch API, then drain them at the lower
 *    concurrency; enqueue N again, drain at the higher one;
 * 3. idle pickup latency: consumers idle, one task submitted at a time,
 *    submit-to-handler-start measured on the shared monotonic clock;
 * 4. optionally: seed a million tasks that must not be taken, enqueue N,
 *    drain at the higher concurrency.
 *
 * A drain's time runs from telling the worker processes to start until
 * the last handler ran (their own hrtime readings, not the IPC report's
 * arrival). Every phase checks that each task was handled exactly once
 * and that the system then holds nothing undone.
 */
import { WorkerProcesses, type HandledReport } from "./children.js";
import { withCleanup } from "../cleanup.js";
import type { CompareConfig } from "./config.js";
import { PhaseMeter, type PhaseUsage } from "./meter.js";
import type { TaskPayload } from "./protocol.js";
import { median, percentile, round } from "./stats.js";
import type { System, SystemName } from "./systems/system.js";
import { eventually, secondsSince, sleep, withTimeout } from "./timing.js";
import { PhaseTracker } from "./tracker.js";

/** Tries before the measured latency tries, not counted. */
const LATENCY_WARMUP_TRIES = 5;
/** Longest a single latency try may take. */
const LATENCY_TRY_TIMEOUT_MS = 5000;
/** Longest the system may take to show a drained state after a stop. */
const SETTLE_MS = 15_000;

export interface EnqueueSample {
  tasks: number;
  seconds: number;
  tasksPerSecond: number;
}

export interface DrainSample extends EnqueueSample {
  concurrency: number;
  usage: PhaseUsage;
  /**
   * The drain's start and end as hrtime readings (ns, decimal): the
   * clock of --cpu-prof's timestamps (µs), to cut a profile to a drain.
   */
  window: { startNs: string; endNs: string };
}

export interface LatencySample {
  tries: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

export interface SessionResult {
  system: SystemName;
  rep: number;
  enqueue: EnqueueSample[];
  drains: DrainSample[];
  latency?: LatencySample;
  million?: { others: number; seedSeconds: number; drain: DrainSample };
  /** The server's largest VmRSS over every drain, bytes; 0 if none. */
  serverRssMaxBytes: number;
  seconds: number;
  error?: string;
}

/** Runs every workload once on `system`; never throws. */
export async function runSession(
  system: System,
  config: CompareConfig,
  rep: number,
): Promise<SessionResult> {
  const result: SessionResult = {
    system: system.name,
    rep,
    enqueue: [],
    drains: [],
    serverRssMaxBytes: 0,
    seconds: 0,
  };
  const started = process.hrtime.bigint();
  try {
    await withCleanup(
      () => system.teardown(),
      async () => {
        try {
          await withTimeout(system.setup(), config.phaseTimeoutMs, "setup");
          await new Session(system, config, result).run();
        } finally {
          await system.teardown();
        }
      },
    );
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  }
  result.seconds = round(secondsSince(started), 1);
  return result;
}

class Session {
  private tracker: PhaseTracker | undefined;
  private nextId = 0;
  private stray: Error | undefined;
  private workers!: WorkerProcesses;

  constructor(
    private readonly system: System,
    private readonly config: CompareConfig,
    private readonly result: SessionResult,
  ) {}

  async run() {
    const { config, system } = this;
    this.workers = await WorkerProcesses.spawn(
      config.workerProcesses,
      system.consumerSpec(),
      (report) => this.onHandled(report),
      config.phaseTimeoutMs,
    );
    await withCleanup(
      () => this.workers.close(0),
      async () => {
        try {
          await this.workloads();
        } finally {
          await this.workers.close();
        }
      },
    );
  }

  private async workloads() {
    const { config, system, result } = this;
    const [low, high] = config.concurrencies;
    this.log(`warm-up, ${config.warmupTasks} tasks`);
    await this.enqueueAndDrain("warm-up", config.warmupTasks, high);
    for (const concurrency of [low, high]) {
      this.log(`enqueue ${config.tasks}, drain at concurrency ${concurrency}`);
      const { enqueue, drain } = await this.enqueueAndDrain(
        `drain c${concurrency}`,
        config.tasks,
        concurrency,
      );
      result.enqueue.push(enqueue);
      result.drains.push(drain);
    }
    if (system.measuresLatency) {
      const tries =
        system.pollIntervalMs > 0
          ? Math.min(config.latencyTries, config.polledLatencyTries)
          : config.latencyTries;
      this.log(`pickup latency, ${tries} tries`);
      result.latency = await this.latency(tries, low);
    }
    if (config.others > 0) {
      this.log(`seed ${config.others} other tasks`);
      const start = process.hrtime.bigint();
      await withTimeout(
        system.seedOthers(config.others),
        5 * config.phaseTimeoutMs,
        `${system.name}: seeding`,
      );
      const seedSeconds = round(secondsSince(start), 1);
      this.log(`seeded in ${seedSeconds} s; enqueue, drain at ${high}`);
      const { drain } = await this.enqueueAndDrain(
        `million c${high}`,
        config.tasks,
        high,
      );
      result.million = { others: config.others, seedSeconds, drain };
    }
    result.serverRssMaxBytes = Math.max(
      0,
      ...result.drains.map((d) => d.usage.serverRssMaxBytes),
      result.million?.drain.usage.serverRssMaxBytes ?? 0,
    );
  }

  private onHandled(report: HandledReport) {
    if (this.tracker) this.tracker.add(report);
    else
      this.stray ??= new Error(`tasks handled between phases: ${report.ids}`);
  }

  /** Starts a phase of `count` fresh task numbers. */
  private phase(name: string, count: number): PhaseTracker {
    if (this.stray) throw this.stray;
    this.tracker = new PhaseTracker(
      `${this.system.name} ${name}`,
      this.nextId,
      count,
    );
    this.nextId += count;
    return this.tracker;
  }

  private async enqueueAndDrain(
    name: string,
    tasks: number,
    concurrency: number,
  ): Promise<{ enqueue: EnqueueSample; drain: DrainSample }> {
    const { system, workers, config } = this;
    const limit = config.phaseTimeoutMs;
    const tracker = this.phase(name, tasks);
    const payloads: TaskPayload[] = Array.from({ length: tasks }, (_, i) => ({
      n: tracker.first + i,
    }));

    const enqueueStart = process.hrtime.bigint();
    await withTimeout(system.enqueue(payloads), limit, `${name}: enqueue`);
    const enqueueSeconds = secondsSince(enqueueStart);

    const meter = new PhaseMeter({
      serverPid: system.serverPid,
      workerPids: workers.pids,
      dbNames: system.dbNames,
    });
    const start = process.hrtime.bigint();
    let usage: PhaseUsage;
    try {
      await workers.start(concurrency, limit);
      await tracker.waitFor(tasks, limit, () => workers.error);
    } finally {
      usage = meter.finish();
    }
    const seconds = Number(tracker.lastHandledAt - start) / 1e9;
    await this.finishPhase(tracker);
    return {
      enqueue: sample(tasks, enqueueSeconds),
      drain: {
        ...sample(tasks, seconds),
        concurrency,
        usage,
        window: {
          startNs: String(start),
          endNs: String(tracker.lastHandledAt),
        },
      },
    };
  }

  /** Stops the consumers and checks the phase's outcome. */
  private async finishPhase(tracker: PhaseTracker) {
    await this.workers.stop(this.config.phaseTimeoutMs);
    this.tracker = undefined;
    tracker.check();
    await eventually(() => this.system.checkDrained(), SETTLE_MS);
  }

  private async latency(
    tries: number,
    concurrency: number,
  ): Promise<LatencySample> {
    const { system, workers, config } = this;
    const total = tries + LATENCY_WARMUP_TRIES;
    const tracker = this.phase("latency", total);
    const until = Date.now() + config.phaseTimeoutMs;
    await workers.start(concurrency, config.phaseTimeoutMs);
    await sleep(500); // let every consumer settle into waiting
    for (let i = 0; i < total; i++) {
      if (Date.now() > until) {
        throw new Error(`${system.name}: latency tries over their limit`);
      }
      const t = String(process.hrtime.bigint());
      await system.submitOne({ n: tracker.first + i, t });
      await tracker.waitFor(i + 1, LATENCY_TRY_TIMEOUT_MS, () => workers.error);
      // A varying pause, so that tries do not fall in step with polls.
      await sleep(10 + Math.random() * Math.max(20, system.pollIntervalMs));
    }
    await this.finishPhase(tracker);
    const ms = tracker.latenciesNs
      .slice(LATENCY_WARMUP_TRIES)
      .map((ns) => ns / 1e6);
    return {
      tries: ms.length,
      medianMs: round(median(ms), 3),
      p99Ms: round(percentile(ms, 99), 3),
      maxMs: round(Math.max(...ms), 3),
    };
  }

  private log(what: string) {
    console.error(
      `bench:compare: rep ${this.result.rep} ${this.system.name}: ${what}`,
    );
  }
}

function sample(tasks: number, seconds: number): EnqueueSample {
  return {
    tasks,
    seconds: round(seconds, 3),
    tasksPerSecond: round(tasks / seconds, 1),
  };
}
