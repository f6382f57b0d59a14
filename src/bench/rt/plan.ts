/**
 * Pure: command-line options in, a validated plan out (the exact cyclictest and stress-ng argv,
 * the watchdog deadline). Nothing is started here.
 */
import { z } from 'zod';
import { formatIssues, usageError } from '../../errors.js';
import { numberOption } from '../../output.js';

export const LOADS = ['none', 'half', 'full'] as const;
export type Load = (typeof LOADS)[number];

export const DEFAULTS = {
  durationS: 60,
  load: 'none' as Load,
  targetMaxUs: 50,
  // 200 µs: the OSADL/rt-wiki interval, and several wake-ups inside one 32-frame period at 48 kHz (667 µs).
  intervalUs: 200,
  // The highest priority the ArchibaldOS audio user may take (profile limits.rtprio = 95), above the
  // rtirq threads (90 and down) and below the kernel's own FIFO 99 watchdog/migration threads.
  priority: 95,
  // 2 ms of 1 µs buckets: three 32-frame periods at 48 kHz; anything slower is an overflow, which
  // is counted exactly and is a dropout at any small quantum anyway.
  histogramUs: 2000,
} as const;

const rawOptionsSchema = z.object({
  duration: z.string().optional(),
  load: z.enum(LOADS, { error: () => `--load must be one of ${LOADS.join(', ')}` }).optional(),
  targetMaxUs: z.string().optional(),
  intervalUs: z.string().optional(),
  priority: z.string().optional(),
  histogramUs: z.string().optional(),
  out: z.string().min(1, '--out needs a directory').optional(),
  json: z.boolean().optional(),
  progress: z.enum(['ndjson'], { error: () => '--progress must be ndjson' }).optional(),
});

export type RawOptions = z.input<typeof rawOptionsSchema>;

export interface Settings {
  durationS: number;
  load: Load;
  targetMaxUs: number;
  intervalUs: number;
  priority: number;
  histogramUs: number;
  out: string | undefined;
  json: boolean;
  progress: 'ndjson' | undefined;
}

/** Validates the command's options; throws a usage error (exit 2) naming the flag. */
export function parseSettings(options: Record<string, unknown>): Settings {
  const parsed = rawOptionsSchema.safeParse(options);
  if (!parsed.success) throw usageError(formatIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [] }))));
  const raw = parsed.data;
  const whole = (flag: string, value: string | undefined, min: number, max: number): number | undefined =>
    numberOption(flag, value, { min, max, integer: true });
  const settings: Settings = {
    durationS: whole('--duration', raw.duration, 1, 7 * 24 * 3600) ?? DEFAULTS.durationS,
    load: raw.load ?? DEFAULTS.load,
    targetMaxUs: whole('--target-max-us', raw.targetMaxUs, 1, 10_000_000) ?? DEFAULTS.targetMaxUs,
    intervalUs: whole('--interval-us', raw.intervalUs, 50, 1_000_000) ?? DEFAULTS.intervalUs,
    priority: whole('--priority', raw.priority, 1, 99) ?? DEFAULTS.priority,
    histogramUs: whole('--histogram-us', raw.histogramUs, 10, 100_000) ?? DEFAULTS.histogramUs,
    out: raw.out,
    json: raw.json === true,
    progress: raw.progress,
  };
  return settings;
}

/** Ascending CPU numbers as a kernel CPU list ("0-3,6"). */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const from = sorted[i] as number;
    let to = from;
    while (i + 1 < sorted.length && sorted[i + 1] === to + 1) to = sorted[++i] as number;
    parts.push(from === to ? `${from}` : `${from}-${to}`);
    i++;
  }
  return parts.join(',');
}

/** How long after the requested duration cyclictest may take before the watchdog stops it. */
export const watchdogMarginS = (durationS: number): number => Math.max(5, Math.ceil(durationS * 0.1));

export interface Plan {
  settings: Settings;
  cpus: number[];
  cyclictest: string[];
  load: string[] | null;
  /** From the start of cyclictest; past this the watchdog interrupts it. */
  watchdogMs: number;
}

export function planRun(settings: Settings, cpus: readonly number[], help: { hasNanosleepFlag: boolean }): Plan {
  if (cpus.length === 0) throw usageError('no CPU is available to this process (Cpus_allowed_list is empty)');
  const cpuList = formatCpuList(cpus);
  const cyclictest = [
    'cyclictest',
    '-m', // mlockall: no page faults inside the measurement
    '-p', String(settings.priority), // SCHED_FIFO at this priority (every thread: -h forces equal priorities)
    '-i', String(settings.intervalUs),
    '-a', cpuList, // thread N pinned to the Nth CPU of this list ...
    '-t', String(cpus.length), // ... one thread per CPU
    '-h', String(settings.histogramUs), // 1 µs buckets up to this limit, plus an exact overflow count
    '-M', // print the running status only when a new maximum is hit: the live max, at a trickle
    '-u', // unbuffered, so those lines arrive while it runs rather than at exit
    '-D', String(settings.durationS),
    // rt-tests 1.x slept with nanosleep unless told -n; 2.x always uses clock_nanosleep and rejects -n.
    ...(help.hasNanosleepFlag ? ['-n'] : []),
  ];
  const margin = watchdogMarginS(settings.durationS);
  // A backstop only, for when we are SIGKILLed: stress-ng (SCHED_OTHER) then ends on its own. Long
  // enough past the watchdog that a stop we forgot shows up as a delay in the tests.
  const loadTimeout = `${settings.durationS + margin + 60}s`;
  const workers = String(cpus.length);
  const load =
    settings.load === 'none'
      ? null
      : [
          'stress-ng',
          '--cpu', workers,
          ...(settings.load === 'half' ? ['--cpu-load', '50'] : []),
          '--taskset', cpuList,
          '--timeout', loadTimeout,
          '--quiet',
        ];
  return { settings, cpus: [...cpus], cyclictest, load, watchdogMs: (settings.durationS + margin) * 1000 };
}
