/**
 * The `archibald tune` document: one zod schema, the only definition of what `tune --json` prints,
 * what is saved for `report` and the console, and what docs/tune.schema.json is generated from.
 * Pure and browser-safe (the console's Bench page bundles it).
 */
import { z } from 'zod';
import { forensicsSummarySchema } from '../bench/contract.js';

export const TUNE_LOADS = ['none', 'half', 'full'] as const;

const percent = z.number().min(0);
const seconds = z.number().min(0);

export const dspLoadSchema = z
  .object({
    mean: z.number().min(0).describe('mean busy/period of the driver over the step, 0..1 (above 1 = the cycle overran)'),
    p99: z.number().min(0).describe('99th percentile of the per-cycle load'),
    max: z.number().min(0).describe('the worst single cycle'),
  })
  .strict();

export const tuneStepSchema = z
  .object({
    quantum: z.number().int().positive().describe('the quantum forced for this step (frames)'),
    measuredQuantum: z.number().int().min(0).nullable().describe('the quantum the graph was seen running at; null when no cycle ran'),
    periodMs: z.number().positive(),
    holdS: seconds.describe('seconds actually held (shorter when interrupted)'),
    cycles: z.number().int().min(0),
    xruns: z.number().int().min(0),
    xrunPercent: percent.nullable().describe('xruns per hundred cycles; null when no cycle ran'),
    quietTailXruns: z.number().int().min(0).describe('xruns in the last quarter of the hold'),
    xrunTimesS: z.array(seconds).describe('seconds into the step at which xruns were seen'),
    dspLoad: dspLoadSchema,
    lateNodes: z.array(z.object({ name: z.string(), cycles: z.number().int().min(0) }).strict()),
    verdict: z.enum(['held', 'missed', 'no-data', 'interrupted']),
    reason: z.string().describe('one line: why the step held or missed'),
    forensics: forensicsSummarySchema
      .optional()
      .describe('why this step’s xruns happened: first suspects over all of them, the first few in detail (absent with --no-forensics)'),
  })
  .strict();

export const tuneReportSchema = z
  .object({
    version: z.literal(1),
    startedAt: z.string(),
    durationS: seconds,
    backend: z.enum(['pipewire', 'jack']),
    rate: z.number().int().min(0).describe('the sample rate the graph ran at'),
    settings: z
      .object({
        from: z.number().int().positive(),
        to: z.number().int().positive(),
        holdS: z.number().positive(),
        load: z.enum(TUNE_LOADS),
        loadPriority: z.number().int().min(1).max(99).nullable().describe('SCHED_FIFO priority of the stress-ng load; null = normal scheduling'),
        dspPercent: z.number().min(0).max(95),
        targetPercent: z.number().positive(),
      })
      .strict(),
    original: z
      .object({
        forceQuantum: z.number().int().min(0).describe('clock.force-quantum (or jackd period) found before tuning; 0 = not forced'),
        minQuantum: z.number().int().min(0).nullable(),
      })
      .strict(),
    restored: z.boolean().describe('the original clock was put back and read back'),
    ownStream: z.boolean().describe('tune played its own silent stream (always on PipeWire), so the graph ran whatever else played'),
    steps: z.array(tuneStepSchema),
    safeQuantum: z.number().int().positive().nullable().describe('the smallest quantum that held; null when not even the start held'),
    verdict: z.enum(['found', 'none-held', 'interrupted']),
    latency: z
      .object({
        quantum: z.number().int().positive(),
        modelMs: z.number().min(0).describe('round trip from the latency model (archibald latency) at the safe quantum'),
        modelFrames: z.number().min(0),
        measuredMs: z.number().min(0).nullable().describe('from the latest bench rtl result, when one exists'),
        measuredQuantum: z.number().int().positive().nullable().describe('the quantum that bench rtl result ran at'),
      })
      .strict()
      .nullable(),
    written: z
      .object({ file: z.string(), changes: z.array(z.object({ key: z.string(), value: z.number() }).strict()), applyCommand: z.string().nullable() })
      .strict()
      .nullable(),
  })
  .strict();

export type TuneStep = z.infer<typeof tuneStepSchema>;
export type TuneReport = z.infer<typeof tuneReportSchema>;
export type TuneLoad = (typeof TUNE_LOADS)[number];

/** One `--progress ndjson` line per second on stderr (the console reads elapsedS/durationS). */
export const tuneProgressSchema = z
  .object({
    step: z.number().int().min(1),
    steps: z.number().int().min(1),
    quantum: z.number().int().positive(),
    elapsedS: seconds,
    durationS: z.number().positive(),
    stepElapsedS: seconds,
    holdS: z.number().positive(),
    xruns: z.number().int().min(0),
  })
  .strict();

export type TuneProgress = z.infer<typeof tuneProgressSchema>;

export function tuneJsonSchema(): unknown {
  return { $id: 'https://archibaldos.invalid/schemas/tune.schema.json', ...z.toJSONSchema(tuneReportSchema, { target: 'draft-2020-12' }) };
}
