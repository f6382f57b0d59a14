/** cyclictest output parsers: real captured output, other rt-tests layouts, and random bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { allowedCpusFromStatus, parseCpuList, parseHelp, parseHistogram, parseStatusLine, type CyclictestHistogram } from '../../../src/bench/rt/parse.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

function parsed(text: string): CyclictestHistogram {
  const result = parseHistogram(text);
  assert.ok(result.ok, result.ok ? '' : `${result.error.kind}: ${result.error.message}`);
  return result.value;
}

const summaryOf = (histogram: CyclictestHistogram) =>
  histogram.threads.map(({ thread, inRange, overflows, minUs, avgUs, maxUs }) => ({ thread, inRange, overflows, minUs, avgUs, maxUs }));

test('rt-tests 2.40, idle, -h 400: the summary lines and the rows agree', () => {
  const histogram = parsed(fixture('cyclictest-2.40-idle-h400.txt'));
  assert.deepEqual(summaryOf(histogram), [
    { thread: 0, inRange: 14886, overflows: 1, minUs: 6, avgUs: 18, maxUs: 8356 },
    { thread: 1, inRange: 14853, overflows: 0, minUs: 6, avgUs: 21, maxUs: 378 },
  ]);
  assert.equal(histogram.lastRow, 399, 'rt-tests 2.40 prints every row, zero or not');
  assert.equal(histogram.threads[1]?.buckets.at(-1)?.[0], 378, 'the highest bucket of thread 1 is its maximum');
  assert.equal(histogram.threads[0]?.buckets[0]?.[0], 6, 'the lowest bucket is the minimum');
});

test('rt-tests 2.40 under stress-ng --cpu-load 50, -h 100: many overflows', () => {
  const histogram = parsed(fixture('cyclictest-2.40-half-load-h100.txt'));
  assert.deepEqual(summaryOf(histogram), [
    { thread: 0, inRange: 19956, overflows: 15, minUs: 8, avgUs: 16, maxUs: 4610 },
    { thread: 1, inRange: 19930, overflows: 22, minUs: 8, avgUs: 16, maxUs: 8438 },
  ]);
});

test('rt-tests 2.40 stopped by SIGINT without -q: status lines and cursor escapes before the histogram', () => {
  const text = fixture('cyclictest-2.40-sigint-h2000.txt');
  assert.match(text, /\u001b\[4A/, 'the capture really has the escapes');
  const histogram = parsed(text);
  assert.deepEqual(summaryOf(histogram), [
    { thread: 0, inRange: 7435, overflows: 1, minUs: 12, avgUs: 20, maxUs: 8306 },
    { thread: 1, inRange: 7460, overflows: 1, minUs: 9, avgUs: 19, maxUs: 3063 },
  ]);
  assert.equal(histogram.lastRow, 1999);
});

/** The layout of rt-tests >= 2.5 (histogram.c): all-zero rows skipped and no "# Total:" line. */
function newerLayout(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\d+ [0\t ]+$/.test(line) && !line.startsWith('# Total:'))
    .join('\n');
}

test('the rt-tests >= 2.5 layout (zero rows skipped, no Total) parses to the same histogram', () => {
  for (const name of ['cyclictest-2.40-idle-h400.txt', 'cyclictest-2.40-half-load-h100.txt', 'cyclictest-2.40-sigint-h2000.txt']) {
    const full = parsed(fixture(name));
    const sparse = parsed(newerLayout(fixture(name)));
    assert.deepEqual(sparse.threads, full.threads, name);
    assert.ok(sparse.lastRow <= full.lastRow);
  }
});

test('--histofall: the extra all-threads column is ignored', () => {
  const text = [
    '# Histogram',
    '000000 000000\t000000\t000000',
    '000001 000002\t000001\t000003',
    '000002 000000\t000004\t000004',
    '# Total: 000000002 000000005 000000007',
    '# Min Latencies: 00001 00001',
    '# Avg Latencies: 00001 00001',
    '# Max Latencies: 00001 00007 00007',
    '# Histogram Overflows: 00000 00001 00001',
    '# Histogram Overflow at cycle number:',
    '# Thread 0:',
    '# Thread 1: 00003',
  ].join('\n');
  assert.deepEqual(summaryOf(parsed(text)), [
    { thread: 0, inRange: 2, overflows: 0, minUs: 1, avgUs: 1, maxUs: 1 },
    { thread: 1, inRange: 5, overflows: 1, minUs: 1, avgUs: 1, maxUs: 7 },
  ]);
});

test('errors are typed: no histogram, cut short, inconsistent totals, rows out of order', () => {
  const idle = fixture('cyclictest-2.40-idle-h400.txt');
  const kind = (text: string): string | null => {
    const result = parseHistogram(text);
    return result.ok ? null : result.error.kind;
  };
  assert.equal(kind(''), 'no-histogram');
  assert.equal(kind('T: 0 ( 1) P:95 I:200 C: 10 Min: 1 Act: 2 Avg: 3 Max: 4\n'), 'no-histogram');
  assert.equal(kind(idle.slice(0, idle.indexOf('000200 '))), 'missing-summary', 'output cut in the middle of the rows');
  assert.equal(kind(idle.replace('# Total: 000014886', '# Total: 000014887')), 'inconsistent');
  assert.equal(kind(idle.replace('# Max Latencies: 08356 00378', '# Max Latencies: 08356')), 'inconsistent');
  assert.equal(kind(idle.replace('# Max Latencies: 08356 00378', '# Max Latencies: 08356 00300')), 'inconsistent', 'a bucket above the maximum');
  assert.equal(kind(idle.replace('000010 ', '000009 ')), 'inconsistent', 'duplicate row');
  assert.equal(kind(idle.replace('000010 ', '000010x ')), 'malformed');
  assert.equal(kind(`${idle}\n# Min Latencies: 00006 00006\n`), 'inconsistent', 'a summary line twice');
});

/** Renders a histogram in rt-tests 2.40's layout, or the newer one. */
function render(threads: Array<{ counts: number[]; overflows: number; minUs: number; maxUs: number }>, limit: number, newer: boolean): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const lines = ['# /dev/cpu_dma_latency set to 0us', '# Histogram'];
  for (let us = 0; us < limit; us++) {
    const row = threads.map((thread) => thread.counts[us] ?? 0);
    if (newer && row.every((count) => count === 0)) continue;
    lines.push(`${pad(us, 6)} ${row.map((count) => pad(count, 6)).join('\t')}`);
  }
  if (!newer) lines.push(`# Total: ${threads.map((thread) => pad(thread.counts.reduce((a, b) => a + b, 0), 9)).join(' ')}`);
  lines.push(`# Min Latencies: ${threads.map((thread) => pad(thread.minUs, 5)).join(' ')}`);
  lines.push(`# Avg Latencies: ${threads.map(() => '00001').join(' ')}`);
  lines.push(`# Max Latencies: ${threads.map((thread) => pad(thread.maxUs, 5)).join(' ')}`);
  lines.push(`# Histogram Overflows: ${threads.map((thread) => pad(thread.overflows, 5)).join(' ')}`);
  lines.push('# Histogram Overflow at cycle number:');
  threads.forEach((_, index) => lines.push(`# Thread ${index}:`));
  return `${lines.join('\n')}\n`;
}

const histogramArbitrary = fc.integer({ min: 2, max: 40 }).chain((limit) =>
  fc.record({
    limit: fc.constant(limit),
    newer: fc.boolean(),
    threads: fc.array(
      fc.record({
        counts: fc.array(fc.nat({ max: 50 }), { minLength: limit, maxLength: limit }),
        overflows: fc.nat({ max: 5 }),
        extra: fc.nat({ max: 10_000 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
);

test('property: whatever the counts, both layouts parse back to exactly those counts', () => {
  fc.assert(
    fc.property(histogramArbitrary, ({ limit, newer, threads }) => {
      const shaped = threads.map((thread) => {
        const used = thread.counts.flatMap((count, us) => (count > 0 ? [us] : []));
        const minUs = used[0] ?? limit;
        const maxUs = thread.overflows > 0 ? limit + thread.extra : (used.at(-1) ?? 0);
        return { counts: thread.counts, overflows: thread.overflows, minUs: used.length === 0 && thread.overflows === 0 ? 1000000 : minUs, maxUs };
      });
      const result = parseHistogram(render(shaped, limit, newer));
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      result.value.threads.forEach((thread, index) => {
        const expected = shaped[index]!;
        assert.deepEqual(
          thread.buckets,
          expected.counts.flatMap((count, us) => (count > 0 ? [[us, count]] : [])),
        );
        assert.equal(thread.overflows, expected.overflows);
        assert.equal(thread.maxUs, expected.maxUs);
      });
    }),
    { numRuns: 300 },
  );
});

const NEVER_THROWS = { numRuns: 500 };

test('property: random bytes never throw; a failure is a typed error', () => {
  const kinds = new Set(['no-histogram', 'missing-summary', 'malformed', 'inconsistent']);
  const check = (text: string): void => {
    const result = parseHistogram(text);
    if (!result.ok) {
      assert.ok(kinds.has(result.error.kind));
      assert.equal(typeof result.error.message, 'string');
    }
    parseStatusLine(text);
    parseHelp(text);
    parseCpuList(text);
    allowedCpusFromStatus(text);
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => check(Buffer.from(bytes).toString('latin1'))), NEVER_THROWS);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => check(`# Histogram\n${text}`)), NEVER_THROWS);
});

test('property: a damaged real capture (lines dropped, duplicated or replaced) never throws', () => {
  const lines = fixture('cyclictest-2.40-half-load-h100.txt').split('\n');
  fc.assert(
    fc.property(
      fc.array(fc.record({ at: fc.nat({ max: lines.length - 1 }), action: fc.constantFrom('drop', 'dup', 'junk'), junk: fc.string({ maxLength: 30 }) }), { maxLength: 6 }),
      (edits) => {
        const copy = [...lines];
        for (const edit of edits) {
          if (edit.action === 'drop') copy.splice(edit.at, 1);
          else if (edit.action === 'dup') copy.splice(edit.at, 0, copy[edit.at] ?? '');
          else copy[edit.at] = edit.junk;
        }
        const result = parseHistogram(copy.join('\n'));
        if (result.ok) for (const thread of result.value.threads) assert.ok(thread.inRange >= 0 && thread.overflows >= 0);
      },
    ),
    NEVER_THROWS,
  );
});

test('status lines (running max), with and without cursor escapes', () => {
  assert.deepEqual(parseStatusLine('T: 0 (29558) P:95 I:1000 C:   2005 Min:      7 Act:   65 Avg:   16 Max:      65'), { thread: 0, cycles: 2005, maxUs: 65 });
  assert.deepEqual(parseStatusLine('\u001b[4A\u001b[4BT: 1 (32602) P:95 I:200 C:   4191 Min:      9 Act: 3063 Avg:   22 Max:    3063'), { thread: 1, cycles: 4191, maxUs: 3063 });
  assert.equal(parseStatusLine('T: 1 (    0) P:95 I:1000 C:      0 Min:1000000 Act:    0 Avg:    0 Max:       0'), null, 'a thread that has not run yet');
  assert.equal(parseStatusLine('policy: fifo: loadavg: 0.81 0.89 0.46 3/154 29560'), null);
  // Every status line in the real capture parses.
  const statusLines = fixture('cyclictest-2.40-sigint-h2000.txt').split('\n').filter((line) => line.includes('T: '));
  assert.ok(statusLines.length > 4);
  assert.ok(statusLines.every((line) => parseStatusLine(line) !== null || / C:\s+0 /.test(line)));
});

test('cyclictest --help: version and whether -n exists', () => {
  assert.deepEqual(parseHelp('cyclictest V 2.40\nUsage:\n-x\t --posix_timers    use POSIX timers instead of clock_nanosleep.'), { version: '2.40', hasNanosleepFlag: false });
  assert.deepEqual(parseHelp('cyclictest V 1.00\n-n       --nanosleep       use clock_nanosleep'), { version: '1.00', hasNanosleepFlag: true });
  assert.deepEqual(parseHelp(''), { version: null, hasNanosleepFlag: false });
});

test('CPU lists', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11\n'), { ok: true, value: [0, 1, 2, 3, 8, 10, 11] });
  assert.deepEqual(parseCpuList('1'), { ok: true, value: [1] });
  assert.equal(parseCpuList('3-1').ok, false);
  assert.equal(parseCpuList('').ok, false);
  assert.equal(parseCpuList('0-99999').ok, false);
  assert.deepEqual(allowedCpusFromStatus('Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n'), { ok: true, value: [0, 1] });
});
