/** Per-process files: /proc/<pid>/stat, /proc/<pid>/status, /proc/<pid>/limits. */
import { parseTaskStat } from '../../linux/procstat.js';
import { hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';

export { SCHED_POLICIES, policyName, isRealtimePolicy } from '../../linux/procstat.js';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  /** 0 for normal tasks, 1..99 for SCHED_FIFO/SCHED_RR. */
  rtPriority: number;
  policy: number;
}

/** The doctor's view of a task; src/linux parses the whole line. */
export function parseProcStat(text: string): Parsed<ProcStat> {
  const stat = parseTaskStat(text);
  if (!stat.ok) return stat;
  const { pid, comm, state, rtPriority, policy } = stat.value;
  return parsed({ pid, comm, state, rtPriority, policy });
}


export interface ProcStatus {
  uid: number | null;
  groups: number[];
  /** Effective capabilities, as a bit set. */
  capEff: bigint | null;
}

export function parseProcStatus(text: string): Parsed<ProcStatus> {
  if (hasBinaryNoise(text)) return malformed('status file holds binary data');
  const field = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1];
  const uidText = field('Uid')?.trim().split(/\s+/)[1]; // effective uid
  const capText = field('CapEff')?.trim();
  const groupsText = field('Groups');
  if (uidText === undefined && capText === undefined) return malformed('no Uid or CapEff line: not a /proc status file');
  const uid = uidText !== undefined && /^\d+$/.test(uidText) ? Number(uidText) : null;
  const capEff = capText !== undefined && /^[0-9a-f]{1,16}$/i.test(capText) ? BigInt(`0x${capText}`) : null;
  const groups = (groupsText ?? '').trim().split(/\s+/).filter((group) => /^\d+$/.test(group)).map(Number);
  return parsed({ uid, groups, capEff });
}

export const CAP_IPC_LOCK = 14n;
export const CAP_SYS_NICE = 23n;
export const hasCapability = (capEff: bigint | null, cap: bigint): boolean => capEff !== null && ((capEff >> cap) & 1n) === 1n;

export type LimitValue = number | 'unlimited';
export interface LimitPair {
  soft: LimitValue;
  hard: LimitValue;
}

/** /proc/<pid>/limits: "Max realtime priority  0  0" → { soft: 0, hard: 0 }, keyed by the row name. */
export function parseProcLimits(text: string): Parsed<Map<string, LimitPair>> {
  if (!/^Limit\s+Soft Limit\s+Hard Limit/.test(text)) return malformed('no "Limit Soft Limit Hard Limit" header: not a limits file');
  const limits = new Map<string, LimitPair>();
  for (const row of text.split('\n').slice(1)) {
    const match = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(row);
    if (match === null) continue;
    const value = (word: string): LimitValue | null => (word === 'unlimited' ? 'unlimited' : /^\d+$/.test(word) ? Number(word) : null);
    const soft = value(match[2] as string);
    const hard = value(match[3] as string);
    if (soft !== null && hard !== null) limits.set(match[1] as string, { soft, hard });
  }
  return parsed(limits);
}
