/**
 * CPU time of a process from /proc/<pid>/stat. comm (field 2) may hold spaces and parentheses, so
 * the fields are split after the last ')', never on every space.
 */
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
