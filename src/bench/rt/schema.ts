/**
 * The `bench rt --json` document (version 1): the one definition. The bench's code takes its types
 * from here (`import type`); report, console and the tests read saved results through the schema.
 */
import { z } from 'zod';
import { LOADS } from './plan.js';

const micros = z.number().finite().min(0);

const latencyStatsSchema = z.object({
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
  threads: z.array(latencyStatsSchema.extend({ cpu: z.number().int().min(0) })).min(1),
  overall: latencyStatsSchema,
  targetMaxUs: z.number().int().positive(),
  verdict: z.enum(['pass', 'fail']),
  durationS: z.number().int().positive(),
  elapsedS: z.number().min(0),
  interrupted: z.boolean(),
  stoppedBy: z.enum(['signal', 'watchdog']).nullable().describe('why the run ended early, or null when it ran its duration'),
  load: z.enum(LOADS),
  loadCommand: z.array(z.string()).nullable(),
  intervalUs: z.number().int().positive(),
  priority: z.number().int().min(1).max(99),
  histogramUs: z.number().int().positive(),
  cyclictest: z.object({ version: z.string().nullable(), argv: z.array(z.string()).min(1) }),
  kernel: z.object({
    release: z.string(),
    version: z.string(),
    realtime: z.boolean().describe('PREEMPT_RT: /sys/kernel/realtime is 1, or the version string says PREEMPT_RT'),
  }),
  startedAt: z.string(),
  histogram: z
    .array(
      z.object({
        cpu: z.number().int().min(0),
        buckets: z.array(z.tuple([z.number().int().min(0), z.number().int().positive()])),
        overflows: z.number().int().min(0),
      }),
    )
    .describe('non-empty 1 µs buckets per CPU ([µs, count]) and the samples beyond the limit'),
});

export type BenchRtReport = z.infer<typeof benchRtReportSchema>;
export type LatencyStats = z.infer<typeof latencyStatsSchema>;
export type ThreadStats = BenchRtReport['threads'][number];
export type KernelInfo = BenchRtReport['kernel'];
export type StoppedBy = BenchRtReport['stoppedBy'];
