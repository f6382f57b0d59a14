/**
 * Accuracy of the delay analysis on synthetic loops with known fractional delays:
 *   node --import tsx bench/rtl-accuracy.ts [trials=40]
 * Each trial delays a stimulus by a random delay (Kaiser-windowed sinc fractional delay), applies
 * gain/polarity/DC/noise and, for the integer rows, 16-bit quantisation; prints max and mean
 * absolute error in frames per stimulus and condition, and how often nothing was found.
 */
import { estimateDelay } from '../src/bench/rtl/analyze.js';
import { makeStimulus, padded, seededRandom, STIMULUS_KINDS } from '../src/bench/rtl/stimulus.js';
import { syntheticRecording, type Impairments } from '../src/bench/rtl/synthetic.js';
import { decodeWav, encodeWavInt } from '../src/bench/rtl/wav.js';

const trials = Number(process.argv[2] ?? 40);
const RATE = 48_000;
const conditions: Array<{ name: string; impairments: Impairments; bits16?: boolean }> = [
  { name: 'clean', impairments: {} },
  { name: 'gain -40 dB, inverted, DC 0.2', impairments: { gain: -0.01, dcOffset: 0.2 } },
  { name: '16-bit, gain -20 dB', impairments: { gain: 0.1 }, bits16: true },
  { name: 'noise -20 dB', impairments: { noiseDb: -20 } },
  { name: 'noise 0 dB (as loud as the signal)', impairments: { noiseDb: 0 } },
  { name: 'noise +10 dB (louder than the signal)', impairments: { noiseDb: 10 } },
];

console.log(`${trials} trials per row; stimulus 0.5 s; recording 1.5 s at ${RATE} Hz; delays uniform in 0..20000 frames`);
console.log(`${'stimulus'.padEnd(9)}${'condition'.padEnd(40)}${'max |err|'.padStart(11)}${'mean |err|'.padStart(12)}${'not found'.padStart(11)}`);
let worstClean = 0;
for (const kind of STIMULUS_KINDS) {
  const stimulus = padded(makeStimulus(kind, { rate: RATE, durationS: 0.5 }), 64, 64);
  for (const condition of conditions) {
    const random = seededRandom(42);
    let max = 0;
    let sum = 0;
    let missed = 0;
    for (let trial = 0; trial < trials; trial++) {
      const delay = random() * 20_000;
      let recording = syntheticRecording(stimulus, delay, 1.5 * RATE, { ...condition.impairments, seed: 1000 + trial });
      if (condition.bits16 === true) {
        const decoded = decodeWav(encodeWavInt(RATE, [recording], 16));
        if (decoded.ok) recording = decoded.wav.channels[0] as Float32Array;
      }
      const estimate = estimateDelay(stimulus, recording);
      if (estimate.latencyFrames === null) {
        missed++;
        continue;
      }
      const error = Math.abs(estimate.latencyFrames - delay);
      max = Math.max(max, error);
      sum += error;
    }
    if (!condition.name.startsWith('noise 0') && !condition.name.startsWith('noise +')) worstClean = Math.max(worstClean, max);
    const found = trials - missed;
    console.log(`${kind.padEnd(9)}${condition.name.padEnd(40)}${max.toFixed(4).padStart(11)}${(found === 0 ? NaN : sum / found).toFixed(4).padStart(12)}${String(missed).padStart(11)}`);
  }
}
console.log(`worst error without heavy noise: ${worstClean.toFixed(4)} frames`);
