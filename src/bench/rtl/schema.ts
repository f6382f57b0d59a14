/**
 * The `bench rtl` documents (version 1): `bench rtl analyze --json` (the analysis) and `bench rtl
 * --json` (the measurement, which carries the analysis). The one definition: the bench's code takes
 * its types from here (`import type`); latency, report and console read saved results through it.
 */
import { z } from 'zod';

const frames = z.number().finite();
const count = z.number().int().min(0);

export const analysisDocumentSchema = z.object({
  version: z.literal(1),
  method: z.literal('gcc-phat'),
  rate: z.number().positive(),
  latencyFrames: frames.nullable().describe("fractional frames from the stimulus file's start to its copy in the recording; null if not found"),
  latencyMs: z.number().finite().nullable(),
  confidence: z.number().min(0).max(1),
  inverted: z.boolean(),
  found: z.boolean(),
  peakToNoise: z.number().finite(),
  excess: z.number().finite(),
  secondPeakRatio: z.number().finite(),
  channel: z.number().int().positive().describe('recording channel analysed, from 1'),
  channels: z.number().int().positive(),
  stimulusFrames: count,
  recordingFrames: count,
});

export const measurementDocumentSchema = z.object({
  version: z.literal(1),
  backend: z.enum(['jack', 'pipewire']),
  loop: z.string(),
  stimulusKind: z.string(),
  rate: z.number().positive(),
  bufferFrames: count.describe('JACK period or PipeWire quantum the loop ran at'),
  latencyFrames: frames.nullable(),
  latencyMs: z.number().finite().nullable(),
  confidence: z.number().min(0).max(1),
  inverted: z.boolean(),
  nominalFrames: frames.describe('latency the server itself reports for the ports in the loop'),
  extraFrames: frames.nullable().describe('latencyFrames - nominalFrames: what to enter as systemic latency in Ardour (split over -I/-O)'),
  ardour: z.object({ systemicInputFrames: frames, systemicOutputFrames: frames }).nullable(),
  xruns: count.nullable(),
  analysis: analysisDocumentSchema,
  compare: z
    .object({
      tool: z.literal('jack_iodelay'),
      latencyFrames: frames.nullable(),
      latencyMs: z.number().finite().nullable(),
      extraFrames: frames.nullable(),
      inverted: z.boolean(),
      differenceFrames: frames.nullable(),
      agree: z.boolean().nullable(),
    })
    .nullable(),
});

export type AnalysisDocument = z.infer<typeof analysisDocumentSchema>;
export type MeasurementDocument = z.infer<typeof measurementDocumentSchema>;
