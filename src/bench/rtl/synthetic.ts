/**
 * Known answers for tests and the accuracy benchmark: a recording made by delaying a stimulus by
 * a fractional number of frames with a Kaiser-windowed sinc interpolator (the textbook
 * band-limited fractional delay), then scaled, offset, noised.
 */
import { kaiser, sinc } from './bandlimited.js';
import { seededRandom } from './stimulus.js';

/** y[n] = x(n - delay) with band-limited interpolation (half-width `taps` frames). */
export function fractionalDelay(x: Float32Array, delay: number, outputFrames: number, taps = 64): Float32Array {
  const whole = Math.floor(delay);
  const fraction = delay - whole;
  const kernel = new Float64Array(2 * taps + 1);
  // Cut off a little below Nyquist: a fractional-delay FIR cannot be exact at Nyquist itself.
  const cutoff = 0.95;
  for (let j = -taps; j <= taps; j++) kernel[j + taps] = cutoff * sinc(cutoff * (j - fraction)) * kaiser((j - fraction) / (taps + 1), 9);
  const y = new Float32Array(outputFrames);
  for (let n = 0; n < outputFrames; n++) {
    let acc = 0;
    const centre = n - whole;
    for (let j = -taps; j <= taps; j++) {
      const i = centre - j;
      if (i >= 0 && i < x.length) acc += (x[i] as number) * (kernel[j + taps] as number);
    }
    y[n] = acc;
  }
  return y;
}

export interface Impairments {
  gain?: number;
  dcOffset?: number;
  /** White noise RMS relative to the delayed signal's RMS, in dB (e.g. -10 = noise 10 dB below). */
  noiseDb?: number;
  seed?: number;
}

export function rms(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / Math.max(1, x.length));
}

/** A synthetic capture: the stimulus delayed by `delay` frames, then impaired. */
export function syntheticRecording(stimulus: Float32Array, delay: number, frames: number, impairments: Impairments = {}): Float32Array {
  const { gain = 1, dcOffset = 0, noiseDb, seed = 7 } = impairments;
  const y = fractionalDelay(stimulus, delay, frames);
  const signalRms = rms(stimulus) * Math.abs(gain);
  const random = seededRandom(seed);
  // Uniform noise has RMS amplitude/sqrt(3).
  const noiseAmplitude = noiseDb === undefined ? 0 : signalRms * 10 ** (noiseDb / 20) * Math.sqrt(3);
  for (let i = 0; i < frames; i++) y[i] = (y[i] as number) * gain + dcOffset + (random() * 2 - 1) * noiseAmplitude;
  return y;
}
