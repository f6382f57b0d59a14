/**
 * The doctor's vocabulary. Facts are what the adapter (gather.ts) read from the machine; a check is
 * a pure function from facts to a verdict, so every rule can be tested without a machine.
 */
import type { KernelConfig, KernelParam } from './parse/kernel.js';
import type { IrqLine } from './parse/interrupts.js';
import type { LimitPair, ProcStat, ProcStatus } from './parse/proc.js';
import type { LimitsEntry, UdevRule } from './parse/etc.js';
import type { Mount } from './parse/mounts.js';
import type { NodeAccess } from './parse/sysfs.js';
import type { PwNode } from '../pipewire/dump.js';
import type { DoctorProfile } from './profile.js';
import type { Fix } from './schema.js';

// The report's shapes are defined once, by the zod schema of the --json document.
export type { CheckResult, Fix, Status } from './schema.js';

/** A fact is either a value with the place it came from, or the reason it could not be read. */
export type Fact<T> = { ok: true; value: T; source: string } | { ok: false; reason: string };

export interface UserFacts {
  name: string;
  uid: number | null;
  /** Group names from /etc/group (members) plus the primary group. */
  groups: string[];
  /** gid of the "audio" group, when /etc/group has one. */
  audioGid: number | null;
  /** True when the user is the one running the doctor, so /proc/self describes their session. */
  isSelf: boolean;
  /** How the user was chosen: "--user", "SUDO_USER", "the running user", "first regular user in /etc/passwd". */
  chosenBy: string;
}

export interface ProcessFacts {
  /** uid of the doctor's process (host only). */
  uid: number;
  /** Set when run through sudo. */
  sudoUser: string | null;
}

export interface Facts {
  osRelease: Fact<Record<string, string>>;
  kernelRelease: Fact<string>;
  kernelVersion: Fact<string>;
  cmdline: Fact<KernelParam[]>;
  kernelConfig: Fact<KernelConfig>;
  realtimeFlag: Fact<number>;
  onlineCpus: Fact<number[]>;
  governors: Fact<Array<{ cpu: number; governor: Fact<string> }>>;
  smtControl: Fact<string>;
  smtActive: Fact<number>;
  threadSiblings: Fact<number[]>;
  boost: Fact<{ interface: string; enabled: boolean }>;
  vulnerabilities: Fact<Array<{ name: string; status: string }>>;
  isolatedCpus: Fact<number[]>;
  nohzFullCpus: Fact<number[]>;
  swappiness: Fact<number>;
  swaps: Fact<Array<{ name: string; type: string }>>;
  rtRuntime: Fact<number>;
  rtPeriod: Fact<number>;
  nmiWatchdog: Fact<number>;
  maxUserWatches: Fact<number>;
  transparentHugepages: Fact<string>;
  mounts: Fact<Mount[]>;
  interrupts: Fact<IrqLine[]>;
  processes: Fact<ProcStat[]>;
  process: Fact<ProcessFacts>;
  user: Fact<UserFacts>;
  selfStatus: Fact<ProcStatus>;
  selfLimits: Fact<Map<string, LimitPair>>;
  limitsConf: Fact<LimitsEntry[]>;
  /** cpu.rt_runtime_us of the doctor's own cgroup (cgroup v1 with RT group scheduling). */
  rtCgroupRuntime: Fact<number>;
  deviceNodes: Fact<NodeAccess[]>;
  udevRules: Fact<UdevRule[]>;
  rtcMaxUserFreq: Fact<number>;
  usbAutosuspend: Fact<number>;
  usbAudioDevices: Fact<Array<{ device: string; control: string }>>;
  usbAudioLowlatency: Fact<string>;
  modprobeOptions: Fact<Array<{ module: string; key: string; value: string; source: string }>>;
  pipewireSettings: Fact<Record<string, string>>;
  pipewireNodes: Fact<PwNode[]>;
  profile: Fact<DoctorProfile>;
}

export type FactKey = keyof Facts;

export const GROUPS = ['Kernel', 'CPU', 'Limits & permissions', 'IRQs', 'Audio stack', 'Memory & filesystems'] as const;
export type Group = (typeof GROUPS)[number];

export interface Context {
  isNixos: boolean;
  profile: DoctorProfile;
  /** Where the profile came from, for evidence lines. */
  profileSource: string;
}

export type Verdict =
  | { status: 'pass' | 'skip'; summary: string; evidence?: string[] }
  | { status: 'warn' | 'fail'; summary: string; evidence?: string[]; fix: Fix };

export interface CheckDefinition {
  id: string;
  title: string;
  group: Group;
  needs: readonly FactKey[];
  judge(facts: Facts, context: Context): Verdict;
}
