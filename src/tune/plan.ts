/**
 * Pure: the options of `archibald tune` validated into settings, the ladder of quanta it walks
 * down, the stress-ng argv for the load, and the verdict of each step and of the whole run.
 * Nothing here starts a process or reads a file.
 */
import { z } from 'zod';
import { formatIssues, usageError } from '../errors.js';
import { numberOption } from '../output.js';
import { TUNE_LOADS, type TuneLoad, type TuneReport, type TuneStep } from './contract.js';

export const QUANTUM_MIN = 16;
export const QUANTUM_MAX = 8192;

export const DEFAULTS = {
  to: 16,
  holdS: 60,
  targetPercent: 0.1,
  dspPercent: 0,
} as const;

const rawSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  hold: z.string().optional(),
  load: z.enum(TUNE_LOADS, { error: () => `--load must be one of ${TUNE_LOADS.join(', ')}` }).optional(),
  loadPriority: z.string().optional(),
  dsp: z.string().optional(),
  targetPercent: z.string().optional(),
  backend: z.enum(['pipewire', 'jack'], { error: () => '--backend must be pipewire or jack' }).optional(),
  write: z.boolean().optional(),
  file: z.string().min(1, '--file needs a path').optional(),
  out: z.string().min(1, '--out needs a directory').optional(),
  json: z.boolean().optional(),
  progress: z.enum(['ndjson'], { error: () => '--progress must be ndjson' }).optional(),
  forensics: z.boolean().optional(),
});

export interface TuneSettings {
  /** null: the profile's maxQuantum, resolved by the adapter. */
  from: number | null;
  to: number;
  holdS: number;
  load: TuneLoad;
  loadPriority: number | null;
  dspPercent: number;
  targetPercent: number;
  backend: 'pipewire' | 'jack';
  write: boolean;
  file: string | undefined;
  out: string | undefined;
  json: boolean;
  progress: 'ndjson' | undefined;
  /** Attribute each step's xruns (off: --no-forensics). */
  forensics: boolean;
}

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export function quantumOption(flag: string, value: string | undefined): number | undefined {
  const n = numberOption(flag, value, { min: QUANTUM_MIN, max: QUANTUM_MAX, integer: true });
  if (n !== undefined && !isPowerOfTwo(n)) throw usageError(`${flag} must be a power of two in ${QUANTUM_MIN}..${QUANTUM_MAX} (got ${n})`);
  return n;
}

export function parseSettings(options: Record<string, unknown>): TuneSettings {
  const parsed = rawSchema.safeParse(options);
  if (!parsed.success) throw usageError(formatIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [] }))));
  const raw = parsed.data;
  const from = quantumOption('--from', raw.from) ?? null;
  const to = quantumOption('--to', raw.to) ?? DEFAULTS.to;
  if (from !== null && from < to) throw usageError(`--from ${from} is below --to ${to}: tune walks down from the safe start`);
  const load = raw.load ?? 'none';
  const loadPriority = numberOption('--load-priority', raw.loadPriority, { min: 1, max: 99, integer: true }) ?? null;
  if (loadPriority !== null && load === 'none') throw usageError('--load-priority needs --load half or --load full');
  if (loadPriority !== null && load === 'full') {
    throw usageError('--load full with --load-priority would starve every real-time thread, the audio graph included', 'use --load half --load-priority N');
  }
  return {
    from,
    to,
    holdS: numberOption('--hold', raw.hold, { min: 1, max: 3600 }) ?? DEFAULTS.holdS,
    load,
    loadPriority,
    dspPercent: numberOption('--dsp', raw.dsp, { min: 0, max: 95 }) ?? DEFAULTS.dspPercent,
    targetPercent: numberOption('--target-percent', raw.targetPercent, { min: 0.0001, max: 100 }) ?? DEFAULTS.targetPercent,
    backend: raw.backend ?? 'pipewire',
    write: raw.write === true,
    file: raw.file,
    out: raw.out,
    json: raw.json === true,
    progress: raw.progress,
    forensics: raw.forensics !== false,
  };
}

/** The start when --from is not given: the profile's maxQuantum, kept within the ladder's bounds. */
export function startQuantum(settings: TuneSettings, profileMaxQuantum: number): number {
  if (settings.from !== null) return settings.from;
  const start = Math.min(QUANTUM_MAX, Math.max(settings.to, profileMaxQuantum));
  // A profile's maxQuantum is a power of two (its schema says so); round down to be safe anyway.
  return 2 ** Math.floor(Math.log2(start));
}

/** from, from/2, …, to: the powers of two the tuner tries, largest (safest) first. */
export function quantumLadder(from: number, to: number): number[] {
  const ladder: number[] = [];
  for (let q = from; q >= to; q /= 2) ladder.push(q);
  return ladder;
}

/**
 * stress-ng as `bench rt` runs it (one worker per CPU, 50 % or 100 %). With a priority the workers
 * are SCHED_FIFO and busy in short slices (3 ms), the way a runaway plugin thread competes with the
 * audio thread: long enough to starve small quanta, short enough that a large one rides it out.
 */
export function loadArgv(settings: Pick<TuneSettings, 'load' | 'loadPriority'>, cpuList: string, cpuCount: number, timeoutS: number): string[] | null {
  if (settings.load === 'none') return null;
  return [
    'stress-ng',
    '--cpu', String(cpuCount),
    ...(settings.load === 'half' ? ['--cpu-load', '50'] : []),
    ...(settings.loadPriority === null ? [] : ['--cpu-load-slice', '3', '--sched', 'fifo', '--sched-prio', String(settings.loadPriority)]),
    '--taskset', cpuList,
    // A backstop for when we are SIGKILLed: the workers end on their own.
    '--timeout', `${Math.ceil(timeoutS)}s`,
    '--quiet',
  ];
}

export interface StepNumbers {
  quantum: number;
  measuredQuantum: number | null;
  rate: number;
  holdS: number;
  requestedHoldS: number;
  cycles: number;
  xruns: number;
  xrunTimesS: number[];
  dspLoad: { mean: number; p99: number; max: number };
  lateNodes: Array<{ name: string; cycles: number }>;
  interrupted: boolean;
}

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * A step holds when its xruns stay below the target share of cycles and the last quarter of the
 * hold had none: a graph that crackles only once it has warmed up is not safe.
 */
export function judgeStep(step: StepNumbers, targetPercent: number): TuneStep {
  const xrunPercent = step.cycles > 0 ? (step.xruns / step.cycles) * 100 : null;
  const tailFrom = (step.requestedHoldS * 3) / 4;
  const quietTailXruns = step.xrunTimesS.filter((t) => t >= tailFrom).length;
  let verdict: TuneStep['verdict'];
  let reason: string;
  if (step.interrupted) {
    verdict = 'interrupted';
    reason = `interrupted after ${step.holdS.toFixed(1)} s of ${step.requestedHoldS} s`;
  } else if (xrunPercent === null) {
    verdict = 'no-data';
    reason = 'no driver cycle ran: the graph was not running';
  } else if (xrunPercent >= targetPercent) {
    verdict = 'missed';
    reason = `${step.xruns} xruns in ${step.cycles} cycles (${xrunPercent.toFixed(3)} %) is not below the target ${targetPercent} %`;
  } else if (quietTailXruns > 0) {
    verdict = 'missed';
    reason = `${quietTailXruns} xruns in the last ${(step.requestedHoldS / 4).toFixed(1)} s of the hold`;
  } else {
    verdict = 'held';
    reason = `${step.xruns} xruns in ${step.cycles} cycles (${xrunPercent.toFixed(3)} %), none in the last ${(step.requestedHoldS / 4).toFixed(1)} s`;
  }
  return {
    quantum: step.quantum,
    measuredQuantum: step.measuredQuantum,
    periodMs: round((step.quantum * 1000) / (step.rate > 0 ? step.rate : 48000), 3),
    holdS: round(step.holdS, 3),
    cycles: step.cycles,
    xruns: step.xruns,
    xrunPercent: xrunPercent === null ? null : round(xrunPercent, 4),
    quietTailXruns,
    xrunTimesS: step.xrunTimesS.map((t) => round(t, 4)),
    dspLoad: { mean: round(step.dspLoad.mean, 4), p99: round(step.dspLoad.p99, 4), max: round(step.dspLoad.max, 4) },
    lateNodes: step.lateNodes.slice(0, 10),
    verdict,
    reason,
  };
}

/** Walk on only while every step so far held. */
export const shouldContinue = (step: TuneStep): boolean => step.verdict === 'held';

/** The smallest quantum that held, and what the run as a whole concludes. */
export function conclude(steps: readonly TuneStep[], interrupted: boolean): Pick<TuneReport, 'safeQuantum' | 'verdict'> {
  const held = steps.filter((step) => step.verdict === 'held').map((step) => step.quantum);
  const safeQuantum = held.length === 0 ? null : Math.min(...held);
  if (interrupted) return { safeQuantum, verdict: 'interrupted' };
  return { safeQuantum, verdict: safeQuantum === null ? 'none-held' : 'found' };
}

/** Exit code per the toolkit contract: 0 a safe quantum was found, 1 not even the start held (or stopped early). */
export const exitCodeFor = (report: Pick<TuneReport, 'verdict'>): number => (report.verdict === 'found' ? 0 : 1);

/**
 * The profile keys `--write` sets: the quantum, and minQuantum when the profile's floor is above
 * it (PipeWire would clamp the quantum up to the floor otherwise).
 */
export function profileChanges(safeQuantum: number, profile: { minQuantum: number; maxQuantum: number }): Array<{ key: string; value: number }> {
  const changes = [{ key: 'pipewire.quantum', value: safeQuantum }];
  if (profile.minQuantum > safeQuantum) changes.unshift({ key: 'pipewire.minQuantum', value: safeQuantum });
  return changes;
}
