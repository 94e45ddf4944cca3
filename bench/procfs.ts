/**
 * What Linux's /proc says about processes: resident memory, CPU time,
 * and which processes are database servers (PostgreSQL backends, Redis),
 * for the CPU split of a phase between server, workers and database.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux reports CPU times in USER_HZ ticks, 100 per second. */
const TICKS_PER_SECOND = 100;

/** VmRSS from /proc/<pid>/status in bytes; 0 if the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB$/mu.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One process's command name and user + system CPU time in ms. */
function readStat(pid: number): { comm: string; cpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // Fields after the command name; utime and stime are fields 14 and 15
    // of the whole line.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU time of `pid` so far in ms; 0 if it is gone. */
export function cpuMs(pid: number): number {
  return readStat(pid)?.cpuMs ?? 0;
}

/**
 * CPU time the whole machine was busy so far, in ms: the first line of
 * /proc/stat (user, nice, system, irq, softirq, steal; not idle, iowait).
 */
export function machineBusyMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const [, user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/u)
    .map(Number);
  const ticks = [user, nice, system, irq, softirq, steal].reduce<number>(
    (sum, n) => sum + (n ?? 0),
    0,
  );
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU time per process id of every process named one of `names`. */
export function cpuByName(names: readonly string[]): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/u.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && names.includes(stat.comm)) {
      found.set(Number(entry), stat.cpuMs);
    }
  }
  return found;
}
