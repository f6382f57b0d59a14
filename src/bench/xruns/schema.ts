/**
 * The `bench xruns --json` document (version 1): the one definition. The bench's code takes its
 * types from here (`import type`); report, console and the tests read saved results through it.
 */
import { z } from 'zod';
import { forensicsSummarySchema } from './forensics/contract.js';

const count = z.number().int().min(0);
const percent = z.number().finite().min(0);

export const timelinePointSchema = z.object({
  tS: z.number().finite().min(0).describe('seconds since the measurement started'),
  dspLoad: z.number().finite().min(0),
  dspLoadMax: z.number().finite().min(0),
  xruns: count,
  cycles: count,
  cpuPercent: percent.describe("this process's CPU use over the interval, % of one core"),
});

export const monitorCpuSchema = z.object({
  selfPercent: percent.describe('our own process (process.cpuUsage) over the run, % of one core'),
  helpersPercent: percent.describe('helper processes we spawned (the JACK watcher), from /proc/<pid>/stat, % of one core'),
  steadySelfPercent: percent
    .nullable()
    .describe('our own process after its first 10 s (JIT and GC settle by then), % of one core; null for runs shorter than 20 s'),
  helperPids: z.array(z.number().int().positive()),
});

export const benchXrunsReportSchema = z.object({
  version: z.literal(1),
  backend: z.enum(['pipewire', 'jack']),
  source: z.enum(['pipewire-profiler', 'jack-xrun-callback']).describe('what counted the xruns'),
  startedAt: z.string(),
  durationS: z.number().finite().min(0),
  requestedDurationS: z.number().finite().positive(),
  interrupted: z.boolean(),
  cycles: count,
  xruns: count,
  xrunPercent: percent.nullable().describe('null when no driver cycle ran (nothing was playing): no claim either way'),
  targetPercent: percent,
  verdict: z.enum(['pass', 'fail', 'no-data']),
  xrunTimesS: z.array(z.number().finite().min(0)),
  xrunTimesTruncated: z.boolean(),
  rate: count,
  quantum: count,
  driver: z.string(),
  maxDspLoad: z.number().finite().min(0),
  meanDspLoad: z.number().finite().min(0),
  lateCycles: count,
  incompleteCycles: count,
  droppedReports: count,
  lateNodes: z.array(z.object({ name: z.string(), cycles: count })),
  drivers: z.array(z.object({ id: z.number().int(), name: z.string(), cycles: count, xruns: count })),
  monitorCpuPercent: percent.describe("the toolkit's own CPU use while watching, % of one core (self + helpers)"),
  monitorCpu: monitorCpuSchema,
  timeline: z.array(timelinePointSchema),
  forensics: forensicsSummarySchema
    .nullable()
    .default(null)
    .describe('why each xrun happened (null with --no-forensics, and in results saved before forensics existed)'),
});

export type BenchXrunsReport = z.infer<typeof benchXrunsReportSchema>;
export type TimelinePoint = z.infer<typeof timelinePointSchema>;
export type MonitorCpu = z.infer<typeof monitorCpuSchema>;
