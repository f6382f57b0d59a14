/**
 * Broadband test signals. Each is deterministic (seeded) so a run can be reproduced, and each has
 * a flat enough spectrum over the audio band that the whitened cross-correlation has one sharp
 * peak: white noise, a maximum-length sequence, and an exponential (Farina) sweep.
 */
export type StimulusKind = 'noise' | 'mls' | 'sweep';
export const STIMULUS_KINDS: readonly StimulusKind[] = ['noise', 'mls', 'sweep'];

export interface StimulusOptions {
  rate: number;
  /** Length of the signal itself (MLS: rounded to the sequence length 2^n - 1). */
  durationS?: number;
  /** Peak level in dBFS. */
  levelDb?: number;
  seed?: number;
}

/** mulberry32: small, fast, good enough for test noise, and the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function applyFades(signal: Float32Array, fadeFrames: number): Float32Array {
  const n = Math.min(fadeFrames, Math.floor(signal.length / 2));
  for (let i = 0; i < n; i++) {
    const gain = 0.5 - 0.5 * Math.cos((Math.PI * i) / n);
    signal[i] = (signal[i] as number) * gain;
    const j = signal.length - 1 - i;
    signal[j] = (signal[j] as number) * gain;
  }
  return signal;
}

export function whiteNoise(frames: number, amplitude: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: frames }, () => (random() * 2 - 1) * amplitude);
}

/** Feedback taps (Fibonacci LFSR, maximal length) for orders 10..20. */
const MLS_TAPS: Record<number, readonly number[]> = {
  10: [10, 7], 11: [11, 9], 12: [12, 11, 10, 4], 13: [13, 12, 11, 8], 14: [14, 13, 12, 2], 15: [15, 14],
  16: [16, 15, 13, 4], 17: [17, 14], 18: [18, 11], 19: [19, 18, 17, 14], 20: [20, 17],
};

export function mls(order: number, amplitude: number): Float32Array {
  const taps = MLS_TAPS[order];
  if (taps === undefined) throw new RangeError(`MLS order must be 10..20 (got ${order})`);
  const length = 2 ** order - 1;
  const out = new Float32Array(length);
  let register = 1;
  for (let i = 0; i < length; i++) {
    out[i] = register & 1 ? amplitude : -amplitude;
    let bit = 0;
    for (const tap of taps) bit ^= (register >>> (order - tap)) & 1;
    register = ((register >>> 1) | (bit << (order - 1))) >>> 0;
  }
  return out;
}

/** Exponential sweep from f1 to f2 (Farina 2000): equal time per octave, faded in and out. */
export function logSweep(frames: number, rate: number, amplitude: number, f1 = 20, f2 = Math.min(20_000, 0.45 * rate)): Float32Array {
  const duration = frames / rate;
  const k = Math.log(f2 / f1);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    out[i] = amplitude * Math.sin(((2 * Math.PI * f1 * duration) / k) * (Math.exp((t * k) / duration) - 1));
  }
  return applyFades(out, Math.round(0.01 * rate));
}

export function makeStimulus(kind: StimulusKind, options: StimulusOptions): Float32Array {
  const { rate, durationS = 1, levelDb = -12, seed = 1 } = options;
  const amplitude = 10 ** (levelDb / 20);
  const frames = Math.max(64, Math.round(durationS * rate));
  switch (kind) {
    case 'noise':
      return applyFades(whiteNoise(frames, amplitude, seed), Math.round(0.002 * rate));
    case 'mls': {
      const order = Math.min(20, Math.max(10, Math.round(Math.log2(frames + 1))));
      return mls(order, amplitude);
    }
    case 'sweep':
      return logSweep(frames, rate, amplitude);
  }
}

/** The stimulus framed by silence: `leadFrames` before it and `tailFrames` after. */
export function padded(signal: Float32Array, leadFrames: number, tailFrames: number): Float32Array {
  const out = new Float32Array(leadFrames + signal.length + tailFrames);
  out.set(signal, leadFrames);
  return out;
}
