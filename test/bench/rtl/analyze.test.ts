import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CONFIDENCE_THRESHOLD, estimateDelay } from '../../../src/bench/rtl/analyze.js';
import { makeStimulus, padded, whiteNoise, type StimulusKind } from '../../../src/bench/rtl/stimulus.js';
import { syntheticRecording, type Impairments } from '../../../src/bench/rtl/synthetic.js';

const RATE = 48_000;
const TOLERANCE = 0.05;

function stimulusOf(kind: StimulusKind): Float32Array {
  return padded(makeStimulus(kind, { rate: RATE, durationS: 0.25 }), 300, 300);
}

const cases: Array<[string, number, Impairments]> = [
  ['clean', 1234.37, {}],
  ['quiet and inverted, with DC', 250.5, { gain: -0.01, dcOffset: 0.3 }],
  ['loud', 77.81, { gain: 3.5 }],
  ['noise 10 dB below', 3000.123, { noiseDb: -10 }],
  ['noise as loud as the signal', 901.9, { noiseDb: 0 }],
];

describe('estimateDelay on synthetic fractional delays', () => {
  for (const kind of ['noise', 'mls', 'sweep'] as const) {
    const stimulus = stimulusOf(kind);
    for (const [name, delay, impairments] of cases) {
      test(`${kind}: ${name}, ${delay} frames`, () => {
        const recording = syntheticRecording(stimulus, delay, RATE, impairments);
        const estimate = estimateDelay(stimulus, recording);
        assert.ok(estimate.latencyFrames !== null, `not found (confidence ${estimate.confidence})`);
        assert.ok(Math.abs(estimate.latencyFrames - delay) <= TOLERANCE, `error ${estimate.latencyFrames - delay} frames`);
        assert.equal(estimate.inverted, (impairments.gain ?? 1) < 0);
        assert.ok(estimate.confidence > 0.9, `confidence ${estimate.confidence}`);
      });
    }
  }

  test('noise 10 dB louder than the signal is still found within 0.05 frame (1 s noise burst)', () => {
    const stimulus = padded(makeStimulus('noise', { rate: RATE, durationS: 1 }), 100, 0);
    const recording = syntheticRecording(stimulus, 4321.25, 2 * RATE, { noiseDb: 10 });
    const estimate = estimateDelay(stimulus, recording);
    assert.ok(estimate.latencyFrames !== null);
    assert.ok(Math.abs(estimate.latencyFrames - 4321.25) <= TOLERANCE, `error ${estimate.latencyFrames - 4321.25}`);
  });

  test('every fraction of a frame in steps of 0.1', () => {
    const stimulus = stimulusOf('noise');
    for (let tenth = 0; tenth < 10; tenth++) {
      const delay = 500 + tenth / 10;
      const estimate = estimateDelay(stimulus, syntheticRecording(stimulus, delay, RATE / 2));
      assert.ok(estimate.latencyFrames !== null && Math.abs(estimate.latencyFrames - delay) <= TOLERANCE, `delay ${delay}: got ${estimate.latencyFrames}`);
    }
  });

  test('zero delay and a delay that puts the stimulus at the very end', () => {
    const stimulus = makeStimulus('mls', { rate: RATE, durationS: 0.1 });
    assert.ok(Math.abs((estimateDelay(stimulus, syntheticRecording(stimulus, 0, 20_000)).latencyFrames ?? NaN) - 0) <= TOLERANCE);
    const late = 20_000 - stimulus.length - 70;
    assert.ok(Math.abs((estimateDelay(stimulus, syntheticRecording(stimulus, late, 20_000)).latencyFrames ?? NaN) - late) <= TOLERANCE);
  });
});

describe('no trace of the stimulus', () => {
  test('pure noise recordings: no number, confidence < 0.1 (20 seeds)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const stimulus = makeStimulus(seed % 2 === 0 ? 'noise' : 'sweep', { rate: RATE, durationS: 0.25, seed: 100 + seed });
      const estimate = estimateDelay(stimulus, whiteNoise(RATE, 0.3, 900 + seed));
      assert.equal(estimate.latencyFrames, null, `seed ${seed} made up ${estimate.latencyFrames}`);
      assert.ok(estimate.confidence < 0.1, `seed ${seed}: confidence ${estimate.confidence}`);
    }
  });

  test('a different noise burst than the one played is not mistaken for it', () => {
    const played = makeStimulus('noise', { rate: RATE, durationS: 0.25, seed: 1 });
    const other = makeStimulus('noise', { rate: RATE, durationS: 0.25, seed: 2 });
    const estimate = estimateDelay(played, syntheticRecording(other, 1000, RATE));
    assert.equal(estimate.latencyFrames, null);
    assert.ok(estimate.confidence < 0.1);
  });

  test('the stimulus twice in the recording: ambiguous, so no number', () => {
    const stimulus = makeStimulus('noise', { rate: RATE, durationS: 0.1 });
    const once = syntheticRecording(stimulus, 1000, RATE);
    const twice = syntheticRecording(stimulus, 20_000, RATE);
    for (let i = 0; i < once.length; i++) once[i] = (once[i] as number) + (twice[i] as number);
    const estimate = estimateDelay(stimulus, once);
    assert.equal(estimate.latencyFrames, null);
    assert.ok(estimate.secondPeakRatio > 0.9 && estimate.excess > 2, `ratio ${estimate.secondPeakRatio}, excess ${estimate.excess}`);
  });

  test('silence and DC only', () => {
    const stimulus = makeStimulus('noise', { rate: RATE, durationS: 0.1 });
    for (const recording of [new Float32Array(RATE), new Float32Array(RATE).fill(0.25)]) {
      const estimate = estimateDelay(stimulus, recording);
      assert.equal(estimate.latencyFrames, null);
      assert.ok(estimate.confidence < CONFIDENCE_THRESHOLD);
    }
  });

  test('a silent stimulus has nothing to find', () => {
    const estimate = estimateDelay(new Float32Array(100), whiteNoise(1000, 0.1, 1));
    assert.equal(estimate.latencyFrames, null);
    assert.equal(estimate.confidence, 0);
  });
});

describe('estimateDelay on arbitrary input', () => {
  test('property: any samples (NaN-free) give confidence in 0..1 and either null or a lag inside the recording', () => {
    const samples = (max: number) => fc.float32Array({ maxLength: max, noNaN: true, noDefaultInfinity: true, min: -4, max: 4 });
    fc.assert(
      fc.property(samples(300), samples(2000), (stimulus, recording) => {
        const estimate = estimateDelay(stimulus, recording);
        assert.ok(estimate.confidence >= 0 && estimate.confidence <= 1, `confidence ${estimate.confidence}`);
        if (estimate.latencyFrames !== null) {
          assert.ok(Number.isFinite(estimate.latencyFrames));
          assert.ok(estimate.latencyFrames > -1 - stimulus.length && estimate.latencyFrames < recording.length + 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
