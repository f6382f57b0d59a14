/**
 * Bench documents read back through their schemas (pure and browser-safe: the console's pages
 * bundle it). A saved file is `full` (the bench's own document, drawn by the bench's own page code),
 * `summary` (an older or partial document that still carries DESIGN.md's contract fields, shown
 * as numbers), or `unreadable`, with the schema's reason. No field name is guessed here.
 */
import type { z } from 'zod';
import { formatIssues } from '../errors.js';
import { benchRtReportSchema, type BenchRtReport } from './rt/schema.js';
import { benchXrunsReportSchema, type BenchXrunsReport } from './xruns/schema.js';
import { analysisDocumentSchema, measurementDocumentSchema, type AnalysisDocument, type MeasurementDocument } from './rtl/schema.js';

export type SavedDocument<Full, Summary> = { shape: 'full'; document: Full } | { shape: 'summary'; document: Summary } | { shape: 'unreadable'; reason: string };

function reader<Full, Summary>(full: z.ZodType<Full>, summary: z.ZodType<Summary>): (document: unknown) => SavedDocument<Full, Summary> {
  return (document) => {
    const complete = full.safeParse(document);
    if (complete.success) return { shape: 'full', document: complete.data };
    const partial = summary.safeParse(document);
    return partial.success ? { shape: 'summary', document: partial.data } : { shape: 'unreadable', reason: formatIssues(partial.error.issues) };
  };
}

const rtThread = benchRtReportSchema.shape.threads.element;

/** `bench rt`'s contract fields: per-CPU and overall latencies, and the verdict when there is one. */
export const benchRtSummarySchema = benchRtReportSchema
  .pick({ targetMaxUs: true, verdict: true, durationS: true, load: true })
  .partial()
  .extend({
    threads: rtThread.pick({ cpu: true, minUs: true, avgUs: true, maxUs: true, p99Us: true, p999Us: true }).array(),
    overall: benchRtReportSchema.shape.overall.pick({ maxUs: true, p99Us: true, p999Us: true }),
  });

/** `bench xruns`'s contract fields, and the xrun times when the document has them. */
export const benchXrunsSummarySchema = benchXrunsReportSchema
  .pick({ durationS: true, cycles: true, xruns: true, xrunPercent: true })
  .extend(benchXrunsReportSchema.pick({ xrunTimesS: true }).partial().shape);

/** `bench rtl`'s (and `bench rtl analyze`'s) contract fields. */
export const benchRtlSummarySchema = analysisDocumentSchema.pick({ latencyFrames: true, latencyMs: true }).extend(analysisDocumentSchema.pick({ confidence: true }).partial().shape);

export type BenchRtSummary = z.infer<typeof benchRtSummarySchema>;
export type BenchXrunsSummary = z.infer<typeof benchXrunsSummarySchema>;
export type BenchRtlSummary = z.infer<typeof benchRtlSummarySchema>;

export const readBenchRt = reader(benchRtReportSchema, benchRtSummarySchema);
export const readBenchXruns = reader(benchXrunsReportSchema, benchXrunsSummarySchema);
export const readBenchRtl = reader<MeasurementDocument | AnalysisDocument, BenchRtlSummary>(measurementDocumentSchema.or(analysisDocumentSchema), benchRtlSummarySchema);

export interface Histogram {
  xs: number[];
  series: Array<{ label: string; counts: Array<number | null> }>;
}

/** The per-CPU latency histogram of a `bench rt` document, on one shared x axis. */
export function rtHistogram(report: BenchRtReport): Histogram | null {
  const sets = report.histogram.filter((entry) => entry.buckets.length > 0);
  if (sets.length === 0) return null;
  const xs = [...new Set(sets.flatMap((set) => set.buckets.map(([us]) => us)))].sort((a, b) => a - b);
  return {
    xs,
    series: sets.map((set) => {
      const byX = new Map(set.buckets);
      // Zero counts leave a gap: the y axis is logarithmic.
      return { label: `CPU ${set.cpu}`, counts: xs.map((x) => byX.get(x) ?? null) };
    }),
  };
}

/** DSP load (0..1) and xruns per interval over a `bench xruns` session. */
export function xrunsTimeline(report: BenchXrunsReport): { t: number[]; load: number[]; xruns: number[] } | null {
  if (report.timeline.length === 0) return null;
  return { t: report.timeline.map((p) => p.tS), load: report.timeline.map((p) => p.dspLoad), xruns: report.timeline.map((p) => p.xruns) };
}
