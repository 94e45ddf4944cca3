/**
 * Measures a phase's resources: CPU time of the server, the worker
 * processes, the database server and this process, and the server's
 * largest resident memory, sampled every 50 ms.
 */
import { cpuByName, cpuMs, machineBusyMs, rssBytes } from "../procfs.js";

const RSS_SAMPLE_MS = 50;

/** The processes taking part in a phase. */
export interface Parties {
  /** The Corndogs server, for systems that have one. */
  serverPid?: number;
  workerPids: number[];
  /** Command names of the database's processes (e.g. `postgres`). */
  dbNames: readonly string[];
}

/** CPU time in ms used during a phase, per party. */
export interface CpuSplit {
  server: number;
  workers: number;
  db: number;
  bench: number;
  /**
   * Everything else the machine did meanwhile (other processes): a
   * measurement with much of it was disturbed.
   */
  other: number;
}

export interface PhaseUsage {
  cpuMs: CpuSplit;
  /** The server's largest VmRSS seen, in bytes (0 without a server). */
  serverRssMaxBytes: number;
}

export class PhaseMeter {
  private readonly before: ReturnType<typeof snapshot>;
  private readonly timer: NodeJS.Timeout | undefined;
  private rssMax = 0;

  constructor(private readonly parties: Parties) {
    this.before = snapshot(parties);
    const { serverPid } = parties;
    if (serverPid !== undefined) {
      this.sampleRss(serverPid);
      this.timer = setInterval(() => this.sampleRss(serverPid), RSS_SAMPLE_MS);
    }
  }

  private sampleRss(pid: number) {
    this.rssMax = Math.max(this.rssMax, rssBytes(pid));
  }

  /** Stops sampling; what was used since the meter was made. */
  finish(): PhaseUsage {
    clearInterval(this.timer);
    if (this.parties.serverPid !== undefined) {
      this.sampleRss(this.parties.serverPid);
    }
    const after = snapshot(this.parties);
    let db = 0;
    for (const [pid, ms] of after.db) db += ms - (this.before.db.get(pid) ?? 0);
    const server = after.server - this.before.server;
    const workers = after.workers - this.before.workers;
    const bench = after.bench - this.before.bench;
    const busy = after.machine - this.before.machine;
    return {
      cpuMs: {
        server: Math.round(server),
        workers: Math.round(workers),
        db: Math.round(db),
        bench: Math.round(bench),
        other: Math.max(0, Math.round(busy - server - workers - db - bench)),
      },
      serverRssMaxBytes: this.rssMax,
    };
  }
}

function snapshot(parties: Parties) {
  const own = process.cpuUsage();
  return {
    server: parties.serverPid === undefined ? 0 : cpuMs(parties.serverPid),
    workers: parties.workerPids.reduce((sum, pid) => sum + cpuMs(pid), 0),
    db: cpuByName(parties.dbNames),
    bench: (own.user + own.system) / 1000,
    machine: machineBusyMs(),
  };
}
