/**
 * Each bench document is defined once, by its zod schema: what the benches build must parse, and
 * report and console read saved results through the same schemas (full, summary or unreadable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { estimateDelay } from '../../src/bench/rtl/analyze.js';
import { buildMeasurement } from '../../src/bench/rtl/measurement.js';
import { toDocument } from '../../src/bench/rtl/result.js';
import { makeStimulus, padded } from '../../src/bench/rtl/stimulus.js';
import { syntheticRecording } from '../../src/bench/rtl/synthetic.js';
import { XrunAccumulator } from '../../src/bench/xruns/analysis.js';
import { buildReport } from '../../src/bench/xruns/report.js';
import {
  analysisDocumentSchema,
  benchXrunsReportSchema,
  measurementDocumentSchema,
  readBenchRt,
  readBenchRtl,
  readBenchXruns,
  rtHistogram,
} from '../../src/bench/contract.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../report/fixtures/${name}`, import.meta.url), 'utf8')) as unknown;

test('bench xruns: the built document parses with its schema, also without cycles (no-data)', () => {
  const base = { backend: 'pipewire' as const, startedAt: '2026-01-01T00:00:00.000Z', durationS: 30, requestedDurationS: 30, interrupted: false, targetPercent: 1 };
  const timeline = Array.from({ length: 30 }, (_, i) => ({ tS: i + 1, dspLoad: 0.1, dspLoadMax: 0.2, xruns: 0, cycles: 750, cpuPercent: 0.3 }));
  const cpu = { selfPercent: 0.2, helpersPercent: 0, helperPids: [] };
  for (const report of [buildReport({ ...base, timeline, cpu, totals: new XrunAccumulator().totals() }), buildReport({ ...base, timeline: [], cpu, totals: new XrunAccumulator().totals() })]) {
    const parsed = benchXrunsReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  }
});

test('bench rtl: the analysis and the measurement parse with their schemas, found or not', () => {
  const rate = 48_000;
  const stimulus = padded(makeStimulus('mls', { rate, durationS: 0.2 }), 0, 0);
  for (const recording of [syntheticRecording(stimulus, 777.5, stimulus.length + rate / 10), new Float32Array(stimulus.length + rate / 10)]) {
    const analysis = toDocument(estimateDelay(stimulus, recording), { rate, channel: 1, channels: 1, stimulusFrames: stimulus.length, recordingFrames: recording.length });
    assert.ok(analysisDocumentSchema.safeParse(analysis).success);
    const measurement = buildMeasurement({ backend: 'jack', loop: 'a -> b', stimulusKind: 'mls', rate, bufferFrames: 128, nominalFrames: 256, xruns: 0, analysis, iodelay: { reading: null, requested: true } });
    const parsed = measurementDocumentSchema.safeParse(JSON.parse(JSON.stringify(measurement)));
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  }
});

test('saved results: a current document is full, a contract-only one a summary, anything else unreadable with the reason', () => {
  const rt = readBenchRt(fixture('bench-rt.json'));
  assert.equal(rt.shape, 'full');
  assert.ok(rt.shape === 'full' && rtHistogram(rt.document) !== null);
  assert.equal(readBenchXruns(fixture('bench-xruns-captured.json')).shape, 'full');
  assert.equal(readBenchRtl(fixture('bench-rtl-captured.json')).shape, 'full');

  const minimal = readBenchXruns(fixture('bench-xruns-minimal.json'));
  assert.deepEqual(minimal, { shape: 'summary', document: { durationS: 30, cycles: 5625, xruns: 3, xrunPercent: 0.0533, xrunTimesS: [4.21, 17.9, 18.02] } });
  const contractOnly = { threads: [{ cpu: 0, minUs: 1, avgUs: 2, maxUs: 9, p99Us: 5, p999Us: 8 }], overall: { maxUs: 9, p99Us: 5, p999Us: 8 }, verdict: 'pass' };
  assert.equal(readBenchRt(contractOnly).shape, 'summary');
  assert.equal(readBenchRtl({ latencyFrames: 301.5, latencyMs: 6.28 }).shape, 'summary');

  // A guessed field name is not read: `xrunCount` is nobody's contract.
  const guessed = readBenchXruns({ durationS: 30, cycles: 5625, xrunCount: 3, xrunPercent: 0.05 });
  assert.equal(guessed.shape, 'unreadable');
  assert.match(guessed.shape === 'unreadable' ? guessed.reason : '', /^xruns: /);
  assert.equal(readBenchRt(null).shape, 'unreadable');
});
