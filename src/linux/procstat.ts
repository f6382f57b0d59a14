/**
 * /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat, and their schedstat. comm (field 2) may hold
 * spaces and parentheses, so the fields are split after the last ')', never on every space.
 */
import { malformed, parsed, type Parsed } from '../result.js';

export const SCHED_POLICIES = ['SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE', 'SCHED_EXT'] as const;
export const policyName = (policy: number): string => SCHED_POLICIES[policy] ?? `policy ${policy}`;
export const isRealtimePolicy = (policy: number): boolean => policy === 1 || policy === 2;

export interface TaskStat {
  /** The task (thread) id; the process id for /proc/<pid>/stat. */
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks (USER_HZ) in user and kernel mode. */
  utime: number;
  stime: number;
  nice: number;
  /** Threads in the process (field 20); a single-threaded process needs no /proc/<pid>/task walk. */
  threads: number;
  /** Clock ticks after boot at which it started. */
  startTicks: number;
  /** The CPU it last ran on. */
  processor: number;
  /** 0 for normal tasks, 1..99 for SCHED_FIFO/SCHED_RR. */
  rtPriority: number;
  policy: number;
}

const wholeNumber = (text: string | undefined): number | null => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : null);

export function parseTaskStat(text: string): Parsed<TaskStat> {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return malformed('no "(comm)" in stat line');
  const pid = Number(text.slice(0, open).trim());
  if (!Number.isInteger(pid) || pid <= 0) return malformed('stat line does not start with a pid');
  // fields[0] is field 3 (state) of proc(5); field N is fields[N - 3].
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const at = (field: number): number | null => wholeNumber(fields[field - 3]);
  const [ppid, utime, stime, nice, threads, startTicks, processor, rtPriority, policy] = [4, 14, 15, 19, 20, 22, 39, 40, 41].map(at);
  if (ppid == null || utime == null || stime == null || nice == null || threads == null || startTicks == null || processor == null || rtPriority == null || policy == null || utime < 0 || stime < 0) {
    return malformed(`stat line of pid ${pid} has too few fields`);
  }
  return parsed({ pid, comm: text.slice(open + 1, close), state: fields[0] as string, ppid, utime, stime, nice, threads, startTicks, processor, rtPriority, policy });
}

/** CPU time of a process from /proc/<pid>/stat, for the benches' own-cost figures. */
export type ProcCpu = { ok: true; ticks: number } | { ok: false; error: string };

export function parseProcStatCpu(text: string): ProcCpu {
  const close = text.lastIndexOf(')');
  if (close < 0) return { ok: false, error: 'no ")" after the command name' };
  // After ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields.length < 13 || !Number.isInteger(utime) || !Number.isInteger(stime) || utime < 0 || stime < 0) {
    return { ok: false, error: 'utime/stime missing or not whole numbers' };
  }
  return { ok: true, ticks: utime + stime };
}

/** /proc/<pid>/schedstat: nanoseconds on the CPU, nanoseconds waiting on a run queue, time slices. */
export interface SchedStat {
  runNs: number;
  waitNs: number;
  slices: number;
}

export function parseSchedStat(text: string): Parsed<SchedStat> {
  const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(text);
  if (match === null) return malformed('schedstat is not three whole numbers');
  return parsed({ runNs: Number(match[1]), waitNs: Number(match[2]), slices: Number(match[3]) });
}
