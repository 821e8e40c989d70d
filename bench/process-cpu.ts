/**
 * CPU time of processes, read from /proc (Linux), for the benchmarks' "CPU per request" columns: on a machine
 * where the load generator, the service and PostgreSQL share the cores, throughput ratios swing with
 * whatever else runs, while the CPU each request costs each process is much steadier and says where it goes.
 */
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ on Linux

interface Stat {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime */
  ticks: number;
  /** cutime + cstime: children already reaped (ended PostgreSQL backends, for the postmaster) */
  childTicks: number;
}

function readStats(): Stat[] {
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = text.lastIndexOf(')');
      const fields = text.slice(close + 2).split(' ');
      stats.push({
        pid: Number(entry),
        name: text.slice(text.indexOf('(') + 1, close),
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        childTicks: Number(fields[13]) + Number(fields[14]),
      });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return stats;
}

/** Whether /proc can be read here (Linux). */
export const cpuAccounting = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** CPU milliseconds of a process and its descendants (nginx's workers), children already reaped included. */
export function treeCpuMs(root: number): number {
  const stats = readStats();
  const children = new Map<number, Stat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  let ticks = 0;
  const visit = (stat: Stat) => {
    ticks += stat.ticks + stat.childTicks;
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const top = stats.find((stat) => stat.pid === root);
  if (top) visit(top);
  return (ticks * 1000) / ticksPerSecond;
}

/** CPU milliseconds of every PostgreSQL process (backends, writers, autovacuum), ended backends included. */
export function postgresCpuMs(): number {
  let ticks = 0;
  for (const stat of readStats()) if (stat.name === 'postgres') ticks += stat.ticks + stat.childTicks;
  return (ticks * 1000) / ticksPerSecond;
}
