/**
 * Pure parsers for what cyclictest (rt-tests) prints. Text in, typed records or a typed error out;
 * nothing here throws on any input.
 *
 * The histogram (`-h US`) is a block at the end of stdout:
 *
 *   # Histogram
 *   000000 000000	000000        one row per 1 µs bucket: index, then one count per thread
 *   ...                          (rt-tests <= 2.4 prints every row; later versions skip all-zero rows)
 *   # Total: 000014886 000014853 in-range samples per thread (rt-tests <= 2.4 only)
 *   # Min Latencies: 00006 00006
 *   # Avg Latencies: 00018 00021
 *   # Max Latencies: 08356 00378
 *   # Histogram Overflows: 00001 00000   samples >= the histogram limit, not in any row
 *
 * Without `-q` the running status lines ("T: 0 (1234) P:95 I:200 C: 4167 Min: 12 Act: 19 Avg: 19
 * Max: 8306") come first, wrapped in cursor-movement escapes; those are stripped.
 */
import { parseCpuList as parseKernelCpuList } from '../../linux/cpulist.js';

export interface ThreadHistogram {
  /** cyclictest's thread index (T: N); the CPU it ran on is decided by the -a list. */
  thread: number;
  /** Non-empty buckets only, ascending: [latency in µs (bucket index), sample count]. */
  buckets: Array<[number, number]>;
  /** Samples counted in the buckets. */
  inRange: number;
  /** Samples at or above the histogram limit. */
  overflows: number;
  minUs: number;
  avgUs: number;
  maxUs: number;
}

export interface CyclictestHistogram {
  threads: ThreadHistogram[];
  /** Highest bucket index that had a row (all-zero rows may be missing). */
  lastRow: number;
}

export type HistogramErrorKind = 'no-histogram' | 'missing-summary' | 'malformed' | 'inconsistent';

export interface HistogramError {
  kind: HistogramErrorKind;
  message: string;
  /** 1-based line number in the input, where one line is to blame. */
  line?: number;
}

export type Parsed<T, E> = { ok: true; value: T } | { ok: false; error: E };

const ANSI_CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const MAX_DIGITS = 15; // keeps every count a safe integer

function fail(kind: HistogramErrorKind, message: string, line?: number): { ok: false; error: HistogramError } {
  return { ok: false, error: line === undefined ? { kind, message } : { kind, message, line } };
}

function numbers(text: string): number[] | null {
  const words = text.trim().split(/\s+/).filter((word) => word !== '');
  const values: number[] = [];
  for (const word of words) {
    if (!/^\d+$/.test(word) || word.length > MAX_DIGITS) return null;
    values.push(Number(word));
  }
  return values;
}

const SUMMARY_KEYS = {
  '# Total:': 'total',
  '# Min Latencies:': 'min',
  '# Avg Latencies:': 'avg',
  '# Max Latencies:': 'max',
  '# Histogram Overflows:': 'overflows',
} as const;

type SummaryKey = (typeof SUMMARY_KEYS)[keyof typeof SUMMARY_KEYS];

/** Splits output into lines with terminal escapes and carriage returns removed. */
export function cleanLines(text: string): string[] {
  return text.replace(ANSI_CSI, '').split(/\r?\n|\r/);
}

export function parseHistogram(text: string): Parsed<CyclictestHistogram, HistogramError> {
  if (typeof text !== 'string') return fail('malformed', 'input is not text');
  const lines = cleanLines(text);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]?.trim() === '# Histogram') {
      start = i;
      break;
    }
  }
  if (start < 0) return fail('no-histogram', 'no "# Histogram" block in the output (cyclictest stopped before printing it, or ran without -h)');

  const rows: Array<{ index: number; counts: number[]; line: number }> = [];
  const summary: Partial<Record<SummaryKey, { values: number[]; line: number }>> = {};
  for (let i = start + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (/^\d/.test(line)) {
      const values = numbers(line);
      if (values === null || values.length < 2) return fail('malformed', `histogram row is not "bucket count...": ${JSON.stringify(line.slice(0, 80))}`, i + 1);
      const [index, ...counts] = values as [number, ...number[]];
      rows.push({ index, counts, line: i + 1 });
      continue;
    }
    const prefix = (Object.keys(SUMMARY_KEYS) as Array<keyof typeof SUMMARY_KEYS>).find((key) => line.startsWith(key));
    if (prefix === undefined) continue; // "# Histogram Overflow at cycle number:", "# Thread N: ...", "# SMIs:", stray text
    const key = SUMMARY_KEYS[prefix];
    if (summary[key] !== undefined) return fail('inconsistent', `"${prefix}" appears twice after the histogram`, i + 1);
    const values = numbers(line.slice(prefix.length));
    if (values === null || values.length === 0) return fail('malformed', `"${prefix}" is not followed by numbers`, i + 1);
    summary[key] = { values, line: i + 1 };
  }

  const { min, avg, max, overflows, total } = summary;
  if (min === undefined || avg === undefined || max === undefined || overflows === undefined) {
    const missing = (['min', 'avg', 'max', 'overflows'] as const).filter((key) => summary[key] === undefined);
    return fail('missing-summary', `the histogram has no ${missing.join('/')} line (output cut short?)`);
  }
  // --histofall: Max/Overflows/Total/rows carry one extra sum column when there is more than one thread.
  const threads = min.values.length;
  if (avg.values.length !== threads) return fail('inconsistent', `summary lines disagree on the number of threads (${threads} minima, ${avg.values.length} averages)`, avg.line);
  const histofall = threads > 1 && max.values.length === threads + 1;
  if (max.values.length !== threads && !histofall) return fail('inconsistent', `summary lines disagree on the number of threads (${threads} minima, ${max.values.length} maxima)`, max.line);
  const width = histofall ? threads + 1 : threads;
  if (overflows.values.length !== width) return fail('inconsistent', `summary lines disagree on the number of threads (${threads} minima, ${overflows.values.length} overflow counts)`, overflows.line);

  const sparse: Array<Array<[number, number]>> = Array.from({ length: threads }, () => []);
  const inRange = new Array<number>(threads).fill(0);
  let previous = -1;
  for (const row of rows) {
    if (row.counts.length !== width) return fail('inconsistent', `histogram row ${row.index} has ${row.counts.length} counts for ${threads} threads`, row.line);
    if (row.index <= previous) return fail('inconsistent', `histogram rows out of order at bucket ${row.index}`, row.line);
    previous = row.index;
    for (let t = 0; t < threads; t++) {
      const count = row.counts[t] ?? 0;
      if (count > 0) {
        sparse[t]?.push([row.index, count]);
        inRange[t] = (inRange[t] ?? 0) + count;
      }
    }
  }
  if (total !== undefined) {
    if (total.values.length !== width) return fail('inconsistent', `"# Total:" has ${total.values.length} values for ${threads} threads`, total.line);
    for (let t = 0; t < threads; t++) {
      if (total.values[t] !== inRange[t]) return fail('inconsistent', `thread ${t}: "# Total:" says ${total.values[t]} but the rows add up to ${inRange[t]}`, total.line);
    }
  }

  const result: ThreadHistogram[] = [];
  for (let t = 0; t < threads; t++) {
    const samples = (inRange[t] ?? 0) + (overflows.values[t] ?? 0);
    const minUs = min.values[t] ?? 0;
    const maxUs = max.values[t] ?? 0;
    const buckets = sparse[t] ?? [];
    if (samples > 0) {
      if (minUs > maxUs) return fail('inconsistent', `thread ${t}: minimum ${minUs} µs is above maximum ${maxUs} µs`, min.line);
      const lowest = buckets[0]?.[0];
      const highest = buckets.at(-1)?.[0];
      // cyclictest truncates to whole µs for both the buckets and min/max, so they must agree exactly.
      if (lowest !== undefined && lowest < minUs) return fail('inconsistent', `thread ${t}: bucket ${lowest} µs is below the minimum ${minUs} µs`, min.line);
      if (highest !== undefined && highest > maxUs) return fail('inconsistent', `thread ${t}: bucket ${highest} µs is above the maximum ${maxUs} µs`, max.line);
      if ((overflows.values[t] ?? 0) > 0 && maxUs <= previous) return fail('inconsistent', `thread ${t}: overflows reported but the maximum ${maxUs} µs is inside the histogram`, overflows.line);
    }
    result.push({ thread: t, buckets, inRange: inRange[t] ?? 0, overflows: overflows.values[t] ?? 0, minUs, avgUs: avg.values[t] ?? 0, maxUs });
  }
  return { ok: true, value: { threads: result, lastRow: previous } };
}

export interface StatusLine {
  thread: number;
  cycles: number;
  maxUs: number;
}

const STATUS = /T:\s*(\d{1,6})\s+\(\s*\d+\)\s+P:\s*\d+\s+I:\s*\d+\s+C:\s*(\d{1,15})\s+Min:\s*-?\d+\s+Act:\s*-?\d+\s+Avg:\s*-?\d+\s+Max:\s*(\d{1,15})/;

/** One running status line (printed without -q; with -M only when a thread hits a new maximum). */
export function parseStatusLine(line: string): StatusLine | null {
  if (typeof line !== 'string') return null;
  const match = STATUS.exec(line.replace(ANSI_CSI, ''));
  if (match === null) return null;
  const cycles = Number(match[2]);
  // A thread that has not run yet prints Max: 0 with C: 0; that is no measurement.
  if (cycles === 0) return null;
  return { thread: Number(match[1]), cycles, maxUs: Number(match[3]) };
}

export interface CyclictestHelp {
  version: string | null;
  /** rt-tests 1.x needed -n for clock_nanosleep; 2.x always uses it and rejects -n. */
  hasNanosleepFlag: boolean;
}

export function parseHelp(text: string): CyclictestHelp {
  const version = /cyclictest\s+V\s*(\d+(?:\.\d+)+)/i.exec(text)?.[1] ?? null;
  return { version, hasNanosleepFlag: /--nanosleep\b/.test(text) };
}

export type CpuListError = { message: string };

/** A kernel CPU list such as "0-3,8,10-11" (Cpus_allowed_list) into ascending CPU numbers. */
export function parseCpuList(text: string, maxCpus = 8192): Parsed<number[], CpuListError> {
  const result = parseKernelCpuList(text, { maxCpu: maxCpus - 1 });
  return result.ok ? { ok: true, value: result.cpus } : { ok: false, error: { message: result.reason } };
}

/** The Cpus_allowed_list of a /proc/<pid>/status text. */
export function allowedCpusFromStatus(text: string): Parsed<number[], CpuListError> {
  const line = /^Cpus_allowed_list:\s*(.*)$/m.exec(text);
  if (line === null) return { ok: false, error: { message: 'no Cpus_allowed_list line' } };
  return parseCpuList(line[1] ?? '');
}
