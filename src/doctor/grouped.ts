/** A doctor run with each check's group, the shape the Status page and the report display. */
import { doctorReport } from './command.js';
import { GROUPS } from './types.js';
import type { DoctorReport } from './schema.js';

export interface GroupedDoctor {
  report: DoctorReport;
  groupOrder: readonly string[];
  /** check id -> group name */
  groups: Record<string, string>;
  ranAt: string;
  durationMs: number;
}

export async function runGroupedDoctor(): Promise<GroupedDoctor> {
  const started = performance.now();
  const { report, checks } = await doctorReport({});
  return {
    report,
    groupOrder: GROUPS,
    groups: Object.fromEntries(checks.map((check) => [check.id, check.group])),
    ranAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}
