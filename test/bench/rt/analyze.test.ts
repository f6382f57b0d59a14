/** Percentiles, overflow honesty, verdicts, the plan's argv, and the report's rendering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { analyze, mergeBuckets, percentile, P99, P999 } from '../../../src/bench/rt/analyze.js';
import { parseHistogram, type CyclictestHistogram } from '../../../src/bench/rt/parse.js';
import { formatCpuList, parseSettings, planRun, watchdogMarginS } from '../../../src/bench/rt/plan.js';
import { buildReport, formatPercentile, pageSpec, renderHuman, type BenchRtReport } from '../../../src/bench/rt/report.js';
import { benchRtReportSchema } from '../../../src/bench/rt/schema.js';
import { ArchibaldError } from '../../../src/errors.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function histogramOf(name: string): CyclictestHistogram {
  const result = parseHistogram(readFileSync(path.join(FIXTURES, name), 'utf8'));
  assert.ok(result.ok);
  return result.value;
}

test('percentiles: nearest rank on known histograms', () => {
  const buckets: Array<[number, number]> = [
    [10, 990],
    [20, 9],
    [30, 1],
  ];
  assert.deepEqual(percentile(buckets, 0, 100, P99), { valueUs: 10, overflow: false }, 'the 990th of 1000 samples is 10 µs');
  assert.deepEqual(percentile(buckets, 0, 100, P999), { valueUs: 20, overflow: false }, 'the 999th is 20 µs');
  assert.deepEqual(percentile([[7, 1]], 0, 100, P999), { valueUs: 7, overflow: false }, 'one sample is every percentile');
  assert.equal(percentile([], 0, 100, P99), null);
});

test('percentiles that fall among the overflows are the limit, flagged as a lower bound', () => {
  const buckets: Array<[number, number]> = [[10, 990]];
  assert.deepEqual(percentile(buckets, 10, 100, P99), { valueUs: 10, overflow: false });
  assert.deepEqual(percentile(buckets, 10, 100, P999), { valueUs: 100, overflow: true });
  assert.deepEqual(percentile([], 3, 100, P99), { valueUs: 100, overflow: true });
  // Overflows count in the denominator: 2 % beyond the limit puts p99 there even if every row is fast.
  assert.deepEqual(percentile([[5, 98]], 2, 50, P99), { valueUs: 50, overflow: true });
});

test('property: histogram percentiles equal nearest-rank percentiles of the raw samples', () => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 120 }), { minLength: 1, maxLength: 3000, size: 'max' }), fc.integer({ min: 10, max: 100 }), (samples, limit) => {
      const counts = new Map<number, number>();
      let overflows = 0;
      for (const us of samples) {
        if (us >= limit) overflows++;
        else counts.set(us, (counts.get(us) ?? 0) + 1);
      }
      const buckets = [...counts.entries()].sort((a, b) => a[0] - b[0]);
      const sorted = [...samples].sort((a, b) => a - b);
      for (const fraction of [P99, P999]) {
        const rank = Math.ceil((sorted.length * fraction.numerator) / fraction.denominator);
        const truth = sorted[rank - 1]!;
        const got = percentile(buckets, overflows, limit, fraction)!;
        if (truth >= limit) assert.deepEqual(got, { valueUs: limit, overflow: true });
        else assert.deepEqual(got, { valueUs: truth, overflow: false });
      }
    }),
    { numRuns: 300 },
  );
});

test('analysis of the real half-load capture: per CPU, overall, verdict', () => {
  const histogram = histogramOf('cyclictest-2.40-half-load-h100.txt');
  const result = analyze(histogram, { cpus: [0, 1], limitUs: 100, targetMaxUs: 50 });
  assert.ok(result.ok);
  const { threads, overall, samples, verdict } = result.value;
  assert.equal(samples, 19956 + 15 + 19930 + 22);
  assert.deepEqual(threads.map((thread) => [thread.cpu, thread.samples, thread.maxUs]), [
    [0, 19971, 4610],
    [1, 19952, 8438],
  ]);
  assert.equal(overall.maxUs, 8438);
  assert.equal(overall.minUs, 8);
  assert.equal(overall.overflows, 37);
  // 37 of 39923 samples (0.093 %) overflowed, so p99.9 (the 39884th) is still inside the rows.
  assert.equal(overall.p999Overflow, false);
  assert.ok(overall.p99Us! <= overall.p999Us! && overall.p999Us! < 100);
  assert.equal(verdict, 'fail');
  // Thread 1 alone: 22 overflows of 19952 = 0.11 % > 0.1 %, so its p99.9 is only ">= 100".
  assert.deepEqual([threads[1]?.p999Us, threads[1]?.p999Overflow], [100, true]);
});

test('verdict at the boundary, CPU numbers from the -a list, and a thread that never ran', () => {
  const histogram: CyclictestHistogram = {
    lastRow: 40,
    threads: [
      { thread: 0, buckets: [[20, 5], [40, 1]], inRange: 6, overflows: 0, minUs: 20, avgUs: 23, maxUs: 40 },
      { thread: 1, buckets: [], inRange: 0, overflows: 0, minUs: 1000000, avgUs: 0, maxUs: 0 },
    ],
  };
  const pass = analyze(histogram, { cpus: [2, 5], limitUs: 100, targetMaxUs: 40 });
  assert.ok(pass.ok);
  assert.equal(pass.value.verdict, 'pass', 'max equal to the target passes');
  assert.deepEqual(pass.value.threads.map((thread) => thread.cpu), [2, 5]);
  assert.equal(pass.value.threads[1]?.minUs, null, 'no samples, no made-up minimum');
  assert.equal(pass.value.overall.minUs, 20);
  assert.equal(pass.value.overall.avgUs, 23);
  const fail = analyze(histogram, { cpus: [2, 5], limitUs: 100, targetMaxUs: 39 });
  assert.ok(fail.ok && fail.value.verdict === 'fail');
  const beyond = analyze(histogram, { cpus: [0, 1], limitUs: 40, targetMaxUs: 50 });
  assert.ok(!beyond.ok && beyond.error.kind === 'inconsistent', 'a row at or past -h means the output is not ours');
  assert.deepEqual(mergeBuckets([[[1, 2], [3, 4]], [[3, 1], [2, 2]]]), [[1, 2], [2, 2], [3, 5]]);
});

test('options: defaults, validation as usage errors (exit 2)', () => {
  const defaults = parseSettings({ load: 'none' });
  assert.deepEqual(
    { ...defaults },
    { durationS: 60, load: 'none', targetMaxUs: 50, intervalUs: 200, priority: 95, histogramUs: 2000, out: undefined, json: false, progress: undefined },
  );
  for (const bad of [{ duration: '0' }, { duration: '1.5' }, { duration: 'ten' }, { load: 'most' }, { priority: '100' }, { intervalUs: '10' }, { progress: 'xml' }, { targetMaxUs: '-1' }]) {
    assert.throws(() => parseSettings(bad), (error: unknown) => error instanceof ArchibaldError && error.exitCode === 2, JSON.stringify(bad));
  }
});

test('plan: the exact cyclictest and stress-ng command lines', () => {
  const settings = parseSettings({ duration: '30', load: 'half' });
  const plan = planRun(settings, [0, 1, 2, 3, 6], { hasNanosleepFlag: false });
  assert.deepEqual(plan.cyclictest, ['cyclictest', '-m', '-p', '95', '-i', '200', '-a', '0-3,6', '-t', '5', '-h', '2000', '-M', '-u', '-D', '30']);
  assert.deepEqual(plan.load, ['stress-ng', '--cpu', '5', '--cpu-load', '50', '--taskset', '0-3,6', '--timeout', '95s', '--quiet']);
  assert.equal(plan.watchdogMs, 35_000);
  const full = planRun(parseSettings({ duration: '600', load: 'full', priority: '80' }), [0, 1], { hasNanosleepFlag: true });
  assert.deepEqual(full.load, ['stress-ng', '--cpu', '2', '--taskset', '0-1', '--timeout', '720s', '--quiet']);
  assert.ok(full.cyclictest.includes('-n'), 'rt-tests 1.x needs -n for clock_nanosleep');
  assert.deepEqual(full.cyclictest.slice(2, 4), ['-p', '80']);
  assert.equal(planRun(parseSettings({}), [0], { hasNanosleepFlag: false }).load, null);
  assert.equal(watchdogMarginS(600), 60);
  assert.equal(formatCpuList([5, 0, 1, 2, 9, 10]), '0-2,5,9-10');
});

test('report: JSON contract fields, ">=" for overflowed percentiles, HTML chart on a log axis', () => {
  const histogram = histogramOf('cyclictest-2.40-half-load-h100.txt');
  const analysis = analyze(histogram, { cpus: [0, 1], limitUs: 100, targetMaxUs: 50 });
  assert.ok(analysis.ok);
  const plan = planRun(parseSettings({ duration: '4', load: 'half', histogramUs: '100' }), [0, 1], { hasNanosleepFlag: false });
  const report = buildReport(analysis.value, histogram, {
    plan,
    cyclictestVersion: '2.40',
    kernel: { release: '6.18.44', version: '#1 SMP PREEMPT_DYNAMIC', realtime: false },
    startedAt: '2026-11-24T01:15:00.000Z',
    elapsedS: 4.04,
    stoppedBy: null,
  });
  for (const key of ['tool', 'samples', 'threads', 'overall', 'targetMaxUs', 'verdict']) assert.ok(key in report, key);
  for (const key of ['cpu', 'minUs', 'avgUs', 'maxUs', 'p99Us', 'p999Us']) assert.ok(key in report.threads[0]!, key);
  for (const key of ['maxUs', 'p99Us', 'p999Us']) assert.ok(key in report.overall, key);
  assert.equal(report.interrupted, false);
  assert.equal(report.elapsedS, 4);
  const valid = benchRtReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
  assert.ok(valid.success, JSON.stringify(valid.error?.issues));
  assert.equal(formatPercentile(100, true), '>= 100');

  const plain = { green: String, red: String, yellow: String, dim: String, bold: String };
  const text = renderHuman(report, plain, false);
  assert.match(text, />= 100/, 'CPU 1 p99.9 shown as a lower bound');
  assert.match(text, /FAIL: max 8438 µs > target 50 µs/);
  assert.match(text, /not PREEMPT_RT/);

  const page = pageSpec(report, (s) => s);
  const chart = page.sections[1]?.charts?.[0];
  assert.ok(chart !== undefined && chart.logY === true);
  assert.equal(chart.series.length, 2);
  assert.equal(chart.x.length, 100, 'x runs to the highest non-empty bucket (99)');
  assert.ok(chart.series.every((series) => series.values.every((value) => value === null || value > 0)), 'no zeros on a log axis');
  assert.match(page.sections[1]?.html ?? '', /CPU 0: 15, CPU 1: 22 samples at or above 100 µs/);
});
