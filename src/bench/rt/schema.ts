/**
 * The `bench rt --json` document (version 1) as a zod schema, for whoever reads a saved result
 * back (report, console) and for the tests that hold the CLI to it.
 */
import { z } from 'zod';
import { LOADS } from './plan.js';

const micros = z.number().finite().min(0);

const latencyStats = z.object({
  samples: z.number().int().min(0),
  overflows: z.number().int().min(0),
  minUs: micros.nullable(),
  avgUs: micros.nullable(),
  maxUs: micros.nullable(),
  p99Us: micros.nullable(),
  p999Us: micros.nullable(),
  p99Overflow: z.boolean(),
  p999Overflow: z.boolean(),
});

export const benchRtReportSchema = z.object({
  version: z.literal(1),
  tool: z.literal('cyclictest'),
  samples: z.number().int().positive(),
  threads: z.array(latencyStats.extend({ cpu: z.number().int().min(0) })).min(1),
  overall: latencyStats,
  targetMaxUs: z.number().int().positive(),
  verdict: z.enum(['pass', 'fail']),
  durationS: z.number().int().positive(),
  elapsedS: z.number().min(0),
  interrupted: z.boolean(),
  stoppedBy: z.enum(['signal', 'watchdog']).nullable(),
  load: z.enum(LOADS),
  loadCommand: z.array(z.string()).nullable(),
  intervalUs: z.number().int().positive(),
  priority: z.number().int().min(1).max(99),
  histogramUs: z.number().int().positive(),
  cyclictest: z.object({ version: z.string().nullable(), argv: z.array(z.string()).min(1) }),
  kernel: z.object({ release: z.string(), version: z.string(), realtime: z.boolean() }),
  startedAt: z.string(),
  histogram: z.array(
    z.object({
      cpu: z.number().int().min(0),
      buckets: z.array(z.tuple([z.number().int().min(0), z.number().int().positive()])),
      overflows: z.number().int().min(0),
    }),
  ),
});

export type BenchRtReportDocument = z.infer<typeof benchRtReportSchema>;
