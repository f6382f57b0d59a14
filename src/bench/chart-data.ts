/**
 * Reading bench documents for charts (pure). The contracts in DESIGN.md fix the summary fields;
 * histograms and xrun times are read tolerantly so a richer document still draws.
 */
export type Pairs = Array<[number, number]>;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

const X_KEYS = ['us', 'latencyUs', 'binUs', 'bucketUs', 'x'];
const COUNT_KEYS = ['count', 'counts', 'n', 'samples'];

/** [x, count] pairs from [[x, n]...], [{us, count}...] or {us: [...], counts: [...]}. */
export function toPairs(value: unknown): Pairs | null {
  if (Array.isArray(value)) {
    const pairs: Pairs = [];
    for (const item of value) {
      if (Array.isArray(item) && isNumber(item[0]) && isNumber(item[1])) pairs.push([item[0], item[1]]);
      else {
        const row = record(item);
        const x = X_KEYS.map((key) => row?.[key]).find(isNumber);
        const n = COUNT_KEYS.map((key) => row?.[key]).find(isNumber);
        if (x === undefined || n === undefined) return null;
        pairs.push([x, n]);
      }
    }
    return pairs.length > 0 ? pairs : null;
  }
  const object = record(value);
  if (object === null) return null;
  const xs = [...X_KEYS, 'binsUs', 'bins'].map((key) => object[key]).find((v): v is unknown[] => Array.isArray(v));
  const ns = COUNT_KEYS.map((key) => object[key]).find((v): v is unknown[] => Array.isArray(v));
  if (xs === undefined || ns === undefined || xs.length !== ns.length || xs.length === 0) return null;
  if (!xs.every(isNumber) || !ns.every(isNumber)) return null;
  return xs.map((x, i) => [x, ns[i] as number]);
}

export interface Histogram {
  xs: number[];
  series: Array<{ label: string; counts: Array<number | null> }>;
}

/** Latency histogram of a `bench rt` document: per CPU when the threads carry one. */
export function rtHistogram(document: unknown): Histogram | null {
  const doc = record(document);
  if (doc === null) return null;
  // bench rt v1: histogram = [{ cpu, buckets: [[µs, count], ...], overflows }]; older shapes: per thread.
  const perCpu = (Array.isArray(doc.histogram) ? doc.histogram : [])
    .map((entry) => {
      const row = record(entry);
      const pairs = toPairs(row?.buckets);
      return row === null || pairs === null ? null : { label: `CPU ${String(row.cpu ?? '?')}`, pairs };
    })
    .filter((entry): entry is { label: string; pairs: Pairs } => entry !== null);
  const perThread = (Array.isArray(doc.threads) ? doc.threads : [])
    .map((thread, index) => {
      const row = record(thread);
      const pairs = toPairs(row?.histogram);
      return pairs === null ? null : { label: `CPU ${String(row?.cpu ?? index)}`, pairs };
    })
    .filter((entry): entry is { label: string; pairs: Pairs } => entry !== null);
  if (perCpu.length > 0) perThread.splice(0, perThread.length, ...perCpu);
  const overall = toPairs(doc.histogram ?? record(doc.overall)?.histogram);
  const sets = perThread.length > 0 ? perThread : overall === null ? [] : [{ label: 'all CPUs', pairs: overall }];
  if (sets.length === 0) return null;
  const xs = [...new Set(sets.flatMap((set) => set.pairs.map(([x]) => x)))].sort((a, b) => a - b);
  return {
    xs,
    series: sets.map((set) => {
      const byX = new Map(set.pairs);
      // Zero counts leave a gap: the y axis is logarithmic.
      return { label: set.label, counts: xs.map((x) => { const n = byX.get(x) ?? 0; return n > 0 ? n : null; }) };
    }),
  };
}

export interface ThreadSummary {
  cpu: number;
  minUs: number | null;
  avgUs: number | null;
  maxUs: number | null;
  p99Us: number | null;
  p999Us: number | null;
}

const numberOrNull = (value: unknown): number | null => (isNumber(value) ? value : null);

export function rtThreads(document: unknown): ThreadSummary[] {
  const doc = record(document);
  const threads = Array.isArray(doc?.threads) ? doc.threads : [];
  return threads
    .map(record)
    .filter((row): row is Record<string, unknown> => row !== null && isNumber(row.cpu))
    .map((row) => ({
      cpu: row.cpu as number,
      minUs: numberOrNull(row.minUs),
      avgUs: numberOrNull(row.avgUs),
      maxUs: numberOrNull(row.maxUs),
      p99Us: numberOrNull(row.p99Us),
      p999Us: numberOrNull(row.p999Us),
    }));
}

/** Seconds into the session at which xruns happened, with how many. */
export function xrunEvents(document: unknown): Pairs {
  const doc = record(document);
  if (doc === null) return [];
  for (const key of ['events', 'xrunEvents', 'xrunTimes', 'xrunTimesS', 'timeline', 'times']) {
    const value = doc[key];
    if (!Array.isArray(value)) continue;
    const pairs: Pairs = [];
    for (const item of value) {
      if (isNumber(item)) pairs.push([item, 1]);
      else {
        const row = record(item);
        const seconds = ['timeS', 'atS', 'tS', 'elapsedS', 'offsetS'].map((k) => row?.[k]).find(isNumber);
        const ms = ['timeMs', 'atMs', 'offsetMs'].map((k) => row?.[k]).find(isNumber);
        const count = ['count', 'xruns', 'n'].map((k) => row?.[k]).find(isNumber) ?? 1;
        const at = seconds ?? (ms === undefined ? undefined : ms / 1000);
        if (at !== undefined) pairs.push([at, count]);
      }
    }
    if (pairs.length > 0) return pairs;
  }
  return [];
}

export const numberField = (document: unknown, key: string): number | null => {
  const value = record(document)?.[key];
  return isNumber(value) ? value : null;
};

/** DSP load (0..1) and xruns per interval over a `bench xruns` session, when the document has them. */
export function xrunsTimeline(document: unknown): { t: number[]; load: number[]; xruns: number[] } | null {
  const timeline = record(document)?.timeline;
  if (!Array.isArray(timeline)) return null;
  const rows = timeline.map(record).filter((row): row is Record<string, unknown> => row !== null && isNumber(row.tS) && isNumber(row.dspLoad));
  if (rows.length === 0) return null;
  return { t: rows.map((row) => row.tS as number), load: rows.map((row) => row.dspLoad as number), xruns: rows.map((row) => (isNumber(row.xruns) ? row.xruns : 0)) };
}
