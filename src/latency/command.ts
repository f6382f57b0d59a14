/** `archibald latency`: flags and profile in, the budget table (or one JSON document) out. */
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { z } from 'zod';
import { ArchibaldError, usageError } from '../errors.js';
import { colours, printJson, useColour } from '../output.js';
import { loadProfile, STANDARD_RATES, isValidQuantum, QUANTUM_MAX, QUANTUM_MIN } from '../profile/index.js';
import { parseJson } from '../result.js';
import { compareMeasured, latencyBudget, type Comparison, type DeviceType, type Engine, type LatencyBudget, type UsbSpeed } from './model.js';
import type { LatencyReport } from './schema.js';

type Options = Record<string, string | boolean | undefined>;

const text = (options: Options, name: string): string | undefined => (typeof options[name] === 'string' ? (options[name] as string) : undefined);

function integerFlag(flag: string, value: string | undefined, accept: (n: number) => boolean, allowed: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || !accept(n)) throw usageError(`${flag} ${JSON.stringify(value)}: must be ${allowed}`);
  return n;
}

function choiceFlag<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw usageError(`${flag} ${JSON.stringify(value)}: must be one of ${choices.join(', ')}`);
  return value as T;
}

const measuredSchema = z.looseObject({
  rate: z.number().positive(),
  latencyFrames: z.number().finite().nonnegative(),
  confidence: z.number().min(0).max(1).optional(),
});

async function readMeasured(file: string): Promise<z.infer<typeof measuredSchema>> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new ArchibaldError('NOT_FOUND', `--measured ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const json = parseJson(raw);
  if (!json.ok) throw usageError(`--measured ${file} is not valid JSON: ${json.error}`);
  const parsed = measuredSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join('.') ?? '';
    throw usageError(`--measured ${file}: ${key === '' ? 'must be a JSON object' : `${key} must be ${key === 'rate' ? 'a positive number (Hz)' : key === 'latencyFrames' ? 'a non-negative number of frames' : 'a number in 0..1'}`} (a \`bench rtl --json\` result)`);
  }
  return parsed.data;
}

function render(budget: LatencyBudget, comparison: Comparison | null, source: string): string {
  const c = colours(useColour());
  const table = new Table({
    head: ['stage', 'frames', 'ms', 'how'],
    style: { head: useColour() ? ['bold'] : [], border: useColour() ? ['grey'] : [] },
    colAligns: ['left', 'right', 'right', 'left'],
    wordWrap: true,
    colWidths: [null, null, null, 60],
  });
  for (const s of budget.stages) table.push([s.name, String(s.frames), s.ms.toFixed(3), s.formula]);
  table.push([c.bold('total round trip'), c.bold(String(budget.totalFrames)), c.bold(budget.totalMs.toFixed(3)), `the engine reports ${budget.reportedFrames} frames of it to JACK clients`]);
  const out = [
    `${c.bold('round-trip latency budget')} ${budget.rate} Hz, quantum ${budget.quantum}, ${budget.periods} periods, ${budget.device}${budget.usbSpeed === null ? '' : ` (${budget.usbSpeed} speed)`}, ${budget.engine}`,
    c.dim(source),
    table.toString(),
    c.dim('not modelled: converter (ADC/DAC) filter delay and device-side buffering; measure with `archibald bench rtl` and pass --measured'),
  ];
  if (comparison !== null) {
    const sign = (n: number): string => (n > 0 ? `+${n}` : `${n}`);
    out.push(
      '',
      `measured round trip  ${comparison.measuredFramesAtModelRate} frames (${comparison.measuredMs.toFixed(3)} ms)`,
      `model                ${comparison.nominalFrames} frames (${budget.totalMs.toFixed(3)} ms)`,
      `not explained        ${sign(comparison.unexplainedFrames)} frames (${sign(comparison.unexplainedMs)} ms): converters, device buffers, host controller`,
      `systemic latency     ${comparison.systemicFrames} frames: enter in Ardour (Audio/MIDI Setup, hardware input + output latency, about half each)`,
    );
    if (comparison.unexplainedFrames < 0) out.push(c.yellow('the measurement is shorter than the model: its USB/headroom assumptions are pessimistic for this device'));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Everything but printing: flags and profile in, the `--json` document out. `report` and `console`
 * call this in-process instead of spawning the CLI.
 */
export async function latencyReport(options: Options): Promise<{ report: LatencyReport; budget: LatencyBudget; comparison: Comparison | null; overridden: boolean }> {
  // Flags first: a bad flag is reported before any file is read.
  const rate = integerFlag('--rate', text(options, 'rate'), (n) => (STANDARD_RATES as readonly number[]).includes(n), `one of ${STANDARD_RATES.join(', ')} (Hz)`);
  const quantum = integerFlag('--quantum', text(options, 'quantum'), isValidQuantum, `a power of two in ${QUANTUM_MIN}..${QUANTUM_MAX} (frames)`);
  const periods = integerFlag('--periods', text(options, 'periods'), (n) => n >= 2 && n <= 8, 'a whole number in 2..8');
  const device = choiceFlag<DeviceType>('--device', text(options, 'device'), ['usb', 'pci']);
  const usbSpeed = choiceFlag<UsbSpeed>('--usb-speed', text(options, 'usbSpeed'), ['high', 'full']) ?? 'high';
  const engine = choiceFlag<Engine>('--engine', text(options, 'engine'), ['pipewire', 'jackd']) ?? 'pipewire';
  const pluginFrames = integerFlag('--plugin-frames', text(options, 'pluginFrames'), (n) => n >= 0 && n <= 1_000_000, 'a whole number of frames in 0..1000000') ?? 0;
  const measuredFile = text(options, 'measured');
  const measured = measuredFile === undefined ? null : await readMeasured(measuredFile);

  const { path: profilePath, profile } = await loadProfile(text(options, 'file'));
  const budget = latencyBudget({
    rate: rate ?? profile.pipewire.rate,
    quantum: quantum ?? profile.pipewire.quantum,
    periods: periods ?? profile.device.periods,
    device: device ?? profile.device.type,
    engine,
    usbSpeed,
    usbLowlatency: profile.usbAudio.lowlatency,
    jackBridge: profile.pipewire.jackBridge,
    pluginFrames,
  });
  const comparison = measured === null ? null : compareMeasured(budget, measured);
  const report: LatencyReport = {
    version: 1,
    profile: profilePath,
    ...budget,
    ...(comparison === null || measuredFile === undefined || measured === null ? {} : { measured: { file: measuredFile, rate: measured.rate, confidence: measured.confidence ?? null, ...comparison } }),
  };
  return { report, budget, comparison, overridden: [rate, quantum, periods, device].some((value) => value !== undefined) };
}

export async function runLatencyCommand(options: Options): Promise<number> {
  const { report, budget, comparison, overridden } = await latencyReport(options);
  if (options.json === true) printJson(report);
  else process.stdout.write(render(budget, comparison, `${overridden ? 'what-if on ' : ''}${report.profile}`));
  return 0;
}
