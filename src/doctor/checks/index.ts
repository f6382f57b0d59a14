/** Every check, in report order. Ids match rtcqs's where rtcqs has one, so the two compare one to one. */
import type { CheckDefinition } from '../types.js';
import { kernelChecks } from './kernel.js';
import { cpuChecks } from './cpu.js';
import { limitsChecks } from './limits.js';
import { irqChecks } from './irqs.js';
import { audioChecks } from './audio.js';
import { memoryChecks } from './memory.js';

export const CHECKS: readonly CheckDefinition[] = [...kernelChecks, ...cpuChecks, ...limitsChecks, ...irqChecks, ...audioChecks, ...memoryChecks];

/** rtcqs's checks, by our id: the comparison the benchmark counts against. */
export const RTCQS_IDS = [
  'root-user', 'rt-limits', 'cpu-governor', 'smt', 'kernel-config', 'high-res-timers', 'tickless', 'preempt-rt',
  'mitigations', 'rt-priority', 'swappiness', 'filesystems', 'irq-sharing', 'power-management',
] as const;
