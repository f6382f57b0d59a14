/**
 * Pure analysis of a cyclictest histogram: per-CPU and overall statistics, percentiles from bucket
 * counts, and the verdict against the target maximum.
 *
 * Percentiles use the nearest-rank method on the 1 µs buckets: pXX is the smallest bucket value L
 * such that at least XX % of all samples (overflows included in the count) were <= L, with L in whole
 * µs truncated exactly as cyclictest truncates its min and max. When that rank lies among the
 * overflow samples, all we know is that the percentile is >= the histogram limit (and <= the
 * maximum): the value reported is the limit and the `…Overflow` flag says it is only a lower bound.
 */
import type { CyclictestHistogram, HistogramError, Parsed, ThreadHistogram } from './parse.js';
import type { LatencyStats, ThreadStats } from './schema.js';

export type { LatencyStats, ThreadStats } from './schema.js';

export interface Percentile {
  valueUs: number;
  /** True when the rank fell among the overflow samples: valueUs is the histogram limit, a lower bound. */
  overflow: boolean;
}

export interface Analysis {
  samples: number;
  threads: ThreadStats[];
  overall: LatencyStats;
  targetMaxUs: number;
  verdict: 'pass' | 'fail';
}

/** Nearest-rank percentile numerator/denominator, kept as integers so 99.9 % of 1000 is exactly 999. */
export const P99 = { numerator: 99, denominator: 100 } as const;
export const P999 = { numerator: 999, denominator: 1000 } as const;

export function percentile(
  buckets: ReadonlyArray<readonly [number, number]>,
  overflows: number,
  limitUs: number,
  fraction: { numerator: number; denominator: number },
): Percentile | null {
  const inRange = buckets.reduce((sum, [, count]) => sum + count, 0);
  const total = inRange + overflows;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((total * fraction.numerator) / fraction.denominator));
  let seen = 0;
  for (const [us, count] of buckets) {
    seen += count;
    if (seen >= rank) return { valueUs: us, overflow: false };
  }
  return { valueUs: limitUs, overflow: true };
}

/** Sums sparse histograms bucket by bucket. */
export function mergeBuckets(histograms: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): Array<[number, number]> {
  const sums = new Map<number, number>();
  for (const buckets of histograms) for (const [us, count] of buckets) sums.set(us, (sums.get(us) ?? 0) + count);
  return [...sums.entries()].sort((a, b) => a[0] - b[0]);
}

function stats(
  buckets: ReadonlyArray<readonly [number, number]>,
  overflows: number,
  limitUs: number,
  summary: { minUs: number; avgUs: number; maxUs: number } | null,
): LatencyStats {
  const samples = buckets.reduce((sum, [, count]) => sum + count, 0) + overflows;
  const p99 = percentile(buckets, overflows, limitUs, P99);
  const p999 = percentile(buckets, overflows, limitUs, P999);
  const measured = samples > 0 && summary !== null;
  return {
    samples,
    overflows,
    minUs: measured ? summary.minUs : null,
    avgUs: measured ? summary.avgUs : null,
    maxUs: measured ? summary.maxUs : null,
    p99Us: p99?.valueUs ?? null,
    p999Us: p999?.valueUs ?? null,
    p99Overflow: p99?.overflow ?? false,
    p999Overflow: p999?.overflow ?? false,
  };
}

const samplesOf = (thread: ThreadHistogram): number => thread.inRange + thread.overflows;

export interface AnalyzeOptions {
  /** CPUs given to cyclictest's -a, ascending; thread N runs on cpus[N % cpus.length]. */
  cpus: readonly number[];
  /** The -h value: buckets 0..limitUs-1 µs, anything slower is an overflow. */
  limitUs: number;
  targetMaxUs: number;
}

export function analyze(histogram: CyclictestHistogram, options: AnalyzeOptions): Parsed<Analysis, HistogramError> {
  if (histogram.lastRow >= options.limitUs) {
    return { ok: false, error: { kind: 'inconsistent', message: `histogram row ${histogram.lastRow} is beyond the requested limit of ${options.limitUs} µs` } };
  }
  const threads: ThreadStats[] = histogram.threads.map((thread) => ({
    cpu: options.cpus.length === 0 ? thread.thread : (options.cpus[thread.thread % options.cpus.length] ?? thread.thread),
    ...stats(thread.buckets, thread.overflows, options.limitUs, thread),
  }));
  const measured = histogram.threads.filter((thread) => samplesOf(thread) > 0);
  const samples = measured.reduce((sum, thread) => sum + samplesOf(thread), 0);
  const overallSummary =
    measured.length === 0
      ? null
      : {
          minUs: Math.min(...measured.map((thread) => thread.minUs)),
          // cyclictest's per-thread averages are whole µs; weight them by samples and keep one decimal.
          avgUs: Math.round((measured.reduce((sum, thread) => sum + thread.avgUs * samplesOf(thread), 0) / samples) * 10) / 10,
          maxUs: Math.max(...measured.map((thread) => thread.maxUs)),
        };
  const overall = stats(
    mergeBuckets(histogram.threads.map((thread) => thread.buckets)),
    histogram.threads.reduce((sum, thread) => sum + thread.overflows, 0),
    options.limitUs,
    overallSummary,
  );
  const verdict = overall.maxUs !== null && overall.maxUs <= options.targetMaxUs ? 'pass' : 'fail';
  return { ok: true, value: { samples, threads, overall, targetMaxUs: options.targetMaxUs, verdict } };
}
