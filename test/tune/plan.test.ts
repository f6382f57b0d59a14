/** The pure parts of tune: settings, ladder, step verdicts, the conclusion, and the schema file. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ArchibaldError } from '../../src/errors.js';
import { SCHEMA_PATH, renderSchema } from '../../src/tune/gen-schema.js';
import { conclude, judgeStep, loadArgv, parseSettings, profileChanges, quantumLadder, startQuantum, type StepNumbers } from '../../src/tune/plan.js';

const step = (over: Partial<StepNumbers> = {}): StepNumbers => ({
  quantum: 64,
  measuredQuantum: 64,
  rate: 48000,
  holdS: 60,
  requestedHoldS: 60,
  cycles: 45_000,
  xruns: 0,
  xrunTimesS: [],
  dspLoad: { mean: 0.1, p99: 0.2, max: 0.3 },
  lateNodes: [],
  interrupted: false,
  ...over,
});

test('docs/tune.schema.json is generated from the zod schema and up to date', () => {
  assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderSchema(), 'stale: run `node --import tsx src/tune/gen-schema.ts`');
});

test('the ladder walks the powers of two down from the start', () => {
  assert.deepEqual(quantumLadder(1024, 16), [1024, 512, 256, 128, 64, 32, 16]);
  assert.deepEqual(quantumLadder(64, 64), [64]);
  assert.equal(startQuantum(parseSettings({}), 1024), 1024);
  assert.equal(startQuantum(parseSettings({ from: '256' }), 1024), 256);
  assert.equal(startQuantum(parseSettings({ to: '64' }), 32), 64, 'never below --to');
});

test('bad options are usage errors naming the flag', () => {
  for (const [options, message] of [
    [{ from: '100' }, /--from must be a power of two/],
    [{ to: '8' }, /--to must be a whole number in 16\.\.8192/],
    [{ from: '32', to: '64' }, /is below --to/],
    [{ hold: '0' }, /--hold must be a number in 1\.\.3600/],
    [{ load: 'some' }, /--load must be one of none, half, full/],
    [{ loadPriority: '90' }, /--load-priority needs --load half/],
    [{ load: 'full', loadPriority: '90' }, /would starve/],
    [{ dsp: '-1' }, /--dsp must be a number in 0\.\.95/],
  ] as const) {
    assert.throws(() => parseSettings(options), (error: unknown) => error instanceof ArchibaldError && error.exitCode === 2 && message.test(error.message));
  }
});

test('a step holds below the target with a quiet last quarter, and misses otherwise', () => {
  assert.equal(judgeStep(step(), 0.1).verdict, 'held');
  assert.equal(judgeStep(step({ xruns: 44, xrunTimesS: Array(44).fill(1) }), 0.1).verdict, 'held', '0.098 % is below 0.1 %');
  assert.equal(judgeStep(step({ xruns: 45, xrunTimesS: Array(45).fill(1) }), 0.1).verdict, 'missed', '0.1 % is not below 0.1 %');
  const late = judgeStep(step({ xruns: 1, xrunTimesS: [50] }), 0.1);
  assert.deepEqual([late.verdict, late.quietTailXruns], ['missed', 1]);
  assert.match(late.reason, /1 xruns in the last 15\.0 s/);
  assert.equal(judgeStep(step({ cycles: 0 }), 0.1).verdict, 'no-data');
  assert.equal(judgeStep(step({ interrupted: true, holdS: 3 }), 0.1).verdict, 'interrupted');
  assert.equal(judgeStep(step({ quantum: 48, rate: 48000 }), 0.1).periodMs, 1);
});

test('the conclusion: the smallest held quantum, none-held, interrupted', () => {
  const held = (quantum: number) => judgeStep(step({ quantum }), 0.1);
  const missed = (quantum: number) => judgeStep(step({ quantum, xruns: 900 }), 0.1);
  assert.deepEqual(conclude([held(256), held(128), missed(64)], false), { safeQuantum: 128, verdict: 'found' });
  assert.deepEqual(conclude([missed(256)], false), { safeQuantum: null, verdict: 'none-held' });
  assert.deepEqual(conclude([held(256)], true), { safeQuantum: 256, verdict: 'interrupted' });
});

test('--write lowers minQuantum only when the floor is above the safe quantum', () => {
  assert.deepEqual(profileChanges(64, { minQuantum: 32, maxQuantum: 1024 }), [{ key: 'pipewire.quantum', value: 64 }]);
  assert.deepEqual(profileChanges(16, { minQuantum: 32, maxQuantum: 1024 }), [
    { key: 'pipewire.minQuantum', value: 16 },
    { key: 'pipewire.quantum', value: 16 },
  ]);
});

test('the load is stress-ng as bench rt runs it, SCHED_FIFO in short slices with a priority', () => {
  assert.equal(loadArgv({ load: 'none', loadPriority: null }, '0-1', 2, 100), null);
  assert.deepEqual(loadArgv({ load: 'full', loadPriority: null }, '0-1', 2, 100), ['stress-ng', '--cpu', '2', '--taskset', '0-1', '--timeout', '100s', '--quiet']);
  assert.deepEqual(loadArgv({ load: 'half', loadPriority: 95 }, '0', 1, 10.2), [
    'stress-ng', '--cpu', '1', '--cpu-load', '50', '--cpu-load-slice', '3', '--sched', 'fifo', '--sched-prio', '95', '--taskset', '0', '--timeout', '11s', '--quiet',
  ]);
});
