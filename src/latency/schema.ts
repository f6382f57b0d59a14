/**
 * The `archibald latency --json` document (version 1): the one definition. The model takes its
 * types from here (`import type`); report, console and the tests read the document through it.
 */
import { z } from 'zod';

const frames = z.number().finite();
const ms = z.number().finite();

export const engineSchema = z.enum(['pipewire', 'jackd']);
export const deviceTypeSchema = z.enum(['usb', 'pci']);
export const usbSpeedSchema = z.enum(['high', 'full']);

export const stageSchema = z.object({
  id: z.string(),
  name: z.string(),
  frames,
  ms,
  formula: z.string().describe('how the frames were computed, with the numbers filled in'),
  reported: z.boolean().describe('the engine accounts for this stage in the port latencies it tells JACK clients'),
});

export const latencyBudgetSchema = z.object({
  rate: z.number().int().positive(),
  quantum: z.number().int().positive(),
  periods: z.number().int().positive(),
  device: deviceTypeSchema,
  engine: engineSchema,
  usbSpeed: usbSpeedSchema.nullable(),
  alsaPeriodFrames: frames.describe('the ALSA period the engine asks the driver for (PipeWire halves it for USB, a "batch" device)'),
  stages: z.array(stageSchema),
  totalFrames: frames,
  totalMs: ms,
  reportedFrames: frames.describe('frames of the total the engine reports to JACK clients as port latency'),
});

export const comparisonSchema = z.object({
  measuredFrames: frames,
  measuredMs: ms,
  measuredFramesAtModelRate: frames.describe("measured frames converted to the model's rate when the measurement ran at another one"),
  nominalFrames: frames,
  unexplainedFrames: frames.describe('measured - model total: what the model does not explain (converters, device FIFOs, host controller)'),
  unexplainedMs: ms,
  systemicFrames: frames.describe('measured - what the engine reports: the systemic latency to enter in Ardour'),
  systemicMs: ms,
});

export const latencyReportSchema = latencyBudgetSchema.extend({
  version: z.literal(1),
  profile: z.string().describe('the profile file the defaults came from'),
  measured: comparisonSchema
    .extend({ file: z.string(), rate: z.number().positive(), confidence: z.number().min(0).max(1).nullable() })
    .optional()
    .describe('with --measured: a saved `bench rtl` result against the model'),
});

export type Engine = z.infer<typeof engineSchema>;
export type DeviceType = z.infer<typeof deviceTypeSchema>;
export type UsbSpeed = z.infer<typeof usbSpeedSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type LatencyBudget = z.infer<typeof latencyBudgetSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type LatencyReport = z.infer<typeof latencyReportSchema>;
