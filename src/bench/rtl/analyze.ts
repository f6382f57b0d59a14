/**
 * Where is the stimulus in the recording? Generalised cross-correlation with a regularised phase
 * transform (GCC-PHAT), band-limited sub-frame interpolation of the peak, and a confidence that
 * says whether the peak is real. Pure: samples in, numbers out.
 *
 * Method (see docs/bench-rtl.md):
 *  1. Trim the stimulus' silent lead-in (its length is taken back out of the lag); remove DC.
 *  2. X, Y = FFT (size N >= recording length); cross-spectrum G = conj(X) * Y.
 *  3. Weight W = 1 / (|G| + eps) (phase transform: every band counts equally, so the peak is a
 *     sharp sinc whatever the stimulus' colour or the loop's gain) times |X|^2 / (|X|^2 + lambda)
 *     (bands where the stimulus has no energy carry only noise and are faded out), times a
 *     raised-cosine taper from 0.85 to 0.97 of Nyquist so the correlation is truly band-limited.
 *  4. r = IFFT(G W); the largest |r| over the lags where the whole stimulus fits is the delay; its
 *     sign is the polarity.
 *  5. Sub-frame: r is band-limited, so it is reconstructed between samples with a Kaiser-windowed
 *     sinc (32 frames each side) and the maximum is found by golden-section search.
 *  6. Confidence: the peak's height over the noise floor (RMS of r away from the peak), divided by
 *     the height the largest of M pure-noise lags would reach, sqrt(2 ln M); a logistic maps this
 *     "excess" to 0..1 (1.0 -> 0.0003, 1.5 -> 0.02, 2.0 -> 0.5, 2.5 -> 0.98), and a second peak nearly as high
 *     (an ambiguous answer) pulls it down.
 */
import FFT from 'fft.js';
import { kaiser, sinc } from './bandlimited.js';

export interface DelayEstimate {
  /** Null when no peak stands out: never a made-up number. */
  latencyFrames: number | null;
  confidence: number;
  inverted: boolean;
  /** Peak height over the RMS of the correlation away from the peak (linear). */
  peakToNoise: number;
  /** Peak height over the height the largest pure-noise lag would reach. */
  excess: number;
  /** Second highest |r| (away from the peak) over the peak, 0..1. */
  secondPeakRatio: number;
  /** Lags searched. */
  lagsSearched: number;
  /** Frames of silence trimmed from the stimulus' start (already taken out of latencyFrames). */
  stimulusLeadFrames: number;
  /** Normalised correlation around the peak, band-limited between frames (1/8 frame steps), for plots. */
  window: { lags: number[]; values: number[] };
  /** Normalised |correlation| over a wider span (largest value per bin), to show the noise floor. */
  overview: { lags: number[]; values: number[] };
}

const WINDOW_FRAMES = 24;
const WINDOW_STEPS = 8;
const OVERVIEW_FRAMES = 4096;
const OVERVIEW_BINS = 512;

export const CONFIDENCE_THRESHOLD = 0.5;
/** Lags this close to the peak belong to it (its ringing), not to the noise floor. */
const PEAK_GUARD = 64;
const INTERP_HALF_WIDTH = 32;
const INTERP_BETA = 8;

const ffts = new Map<number, FFT>();
let fftWarmedUp = false;

/**
 * fft.js's transforms are shared prototype methods: a few transforms of a tiny size get V8 to
 * optimise them before the first large one, which otherwise runs its long loops unoptimised
 * (measured here: the first 2^18-point transform 31 ms cold, 6 ms after a 6 ms warm-up).
 */
function warmUpFft(): void {
  const small = new FFT(256);
  // The same array type as the real transforms, so the optimised code stays monomorphic.
  const input = new Float64Array(512);
  const output = new Float64Array(512);
  for (let i = 0; i < 10; i++) {
    small.transform(output, input);
    small.inverseTransform(input, output);
  }
  fftWarmedUp = true;
}

function fftOf(size: number): FFT {
  let fft = ffts.get(size);
  if (fft === undefined) {
    if (!fftWarmedUp && size >= 4096) warmUpFft();
    fft = new FFT(size);
    ffts.set(size, fft);
  }
  return fft;
}

const nextPowerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

function mean(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] as number;
  return to > from ? sum / (to - from) : 0;
}

/** First and one-past-last index above -60 dB of the peak (the rest is silence or dither). */
function activeRange(x: Float32Array): { start: number; end: number } {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const floor = peak * 1e-3;
  let start = 0;
  while (start < x.length && Math.abs(x[start] as number) <= floor) start++;
  let end = x.length;
  while (end > start && Math.abs(x[end - 1] as number) <= floor) end--;
  return { start, end };
}

/** cos and sin of 2*pi*k/size for k < size/2, interleaved; shared by the forward and inverse packing. */
const twiddles = new Map<number, Float64Array>();
function twiddleTable(size: number): Float64Array {
  let table = twiddles.get(size);
  if (table === undefined) {
    const m = size / 2;
    table = new Float64Array(2 * m);
    for (let k = 0; k < m; k++) {
      table[2 * k] = Math.cos((2 * Math.PI * k) / size);
      table[2 * k + 1] = Math.sin((2 * Math.PI * k) / size);
    }
    twiddles.set(size, table);
  }
  return table;
}

/**
 * Half spectrum (bins 0..size/2, interleaved re/im) of x[from..to) - dc, zero-padded to `size`,
 * with one complex FFT of size/2: even samples as the real part, odd as the imaginary part, then
 * untangled. Forward and inverse then share one FFT size, so only one fft.js table is built (its
 * constructor alone costs tens of milliseconds at these sizes).
 */
function spectrum(x: Float32Array, from: number, to: number, dc: number, size: number): Float64Array {
  const m = size / 2;
  const packed = new Float64Array(size);
  for (let i = from; i < to; i++) packed[i - from] = (x[i] as number) - dc;
  const z = new Float64Array(size);
  fftOf(m).transform(z, packed);
  const table = twiddleTable(size);
  const out = new Float64Array(2 * (m + 1));
  for (let k = 0; k <= m; k++) {
    const a = k % m;
    const b = (m - k) % m;
    const zr = z[2 * a] as number;
    const zi = z[2 * a + 1] as number;
    const cr = z[2 * b] as number;
    const ci = -(z[2 * b + 1] as number);
    const er = (zr + cr) / 2;
    const ei = (zi + ci) / 2;
    const or = (zi - ci) / 2;
    const oi = -(zr - cr) / 2;
    const c = k === m ? -1 : (table[2 * k] as number);
    const sn = k === m ? 0 : (table[2 * k + 1] as number);
    out[2 * k] = er + c * or + sn * oi;
    out[2 * k + 1] = ei + c * oi - sn * or;
  }
  return out;
}

/** Band-limited value of r at fractional lag t; r is circular, so lag -1 is r[size - 1]. */
function interpolate(r: Float64Array, t: number): number {
  const centre = Math.round(t);
  const size = r.length;
  let acc = 0;
  for (let m = centre - INTERP_HALF_WIDTH; m <= centre + INTERP_HALF_WIDTH; m++) {
    acc += (r[((m % size) + size) % size] as number) * sinc(t - m) * kaiser((t - m) / (INTERP_HALF_WIDTH + 1), INTERP_BETA);
  }
  return acc;
}

function goldenMax(f: (t: number) => number, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 50 && b - a > 1e-6; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Inverse FFT of a real signal's half spectrum (bins 0..N/2) with one complex FFT of size N/2:
 * the even samples become the real part and the odd samples the imaginary part of that
 * transform (the standard packing), which halves the inverse transform's cost.
 */
function realInverse(Zr: Float64Array, Zi: Float64Array, size: number): Float64Array {
  const m = size / 2;
  const table = twiddleTable(size);
  const packed = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    const zr = Zr[k] as number;
    const zi = Zi[k] as number;
    const cr = Zr[m - k] as number;
    const ci = -(Zi[m - k] as number);
    const er = zr + cr;
    const ei = zi + ci;
    const dr = zr - cr;
    const di = zi - ci;
    const c = table[2 * k] as number;
    const sn = table[2 * k + 1] as number;
    const or = dr * c - di * sn;
    const oi = dr * sn + di * c;
    packed[2 * k] = er - oi;
    packed[2 * k + 1] = ei + or;
  }
  const out = new Float64Array(2 * m);
  fftOf(m).inverseTransform(out, packed);
  const r = new Float64Array(size);
  for (let n = 0; n < m; n++) {
    r[2 * n] = out[2 * n] as number;
    r[2 * n + 1] = out[2 * n + 1] as number;
  }
  return r;
}

export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** Maps the peak's excess over pure noise, and its lead over the runner-up, to 0..1. */
export function confidenceOf(excess: number, secondPeakRatio: number): number {
  const standsOut = logistic(8 * (excess - 2));
  const unambiguous = Math.min(1, Math.max(0, 2 * (1 - secondPeakRatio)));
  return standsOut * unambiguous;
}

export function estimateDelay(stimulus: Float32Array, recording: Float32Array): DelayEstimate {
  const active = activeRange(stimulus);
  const stimulusDc = mean(stimulus, active.start, active.end);
  const recordingDc = mean(recording);
  const empty: DelayEstimate = {
    latencyFrames: null,
    confidence: 0,
    inverted: false,
    peakToNoise: 0,
    excess: 0,
    secondPeakRatio: 1,
    lagsSearched: 0,
    stimulusLeadFrames: active.start,
    window: { lags: [], values: [] },
    overview: { lags: [], values: [] },
  };
  const stimulusFrames = active.end - active.start;
  if (stimulusFrames === 0 || recording.length === 0) return empty;

  // Circular correlation is exact for lags 0..N-stimulusFrames when N >= recording length, so the
  // transform need not hold recording + stimulus: half the size, twice the speed.
  // At least 64: fft.js needs a size of 4 or more, and the half-size inverse halves it again.
  const size = nextPowerOfTwo(Math.max(64, recording.length, stimulusFrames));
  const X = spectrum(stimulus, active.start, active.end, stimulusDc, size);
  const Y = spectrum(recording, 0, recording.length, recordingDc, size);

  const half = size / 2;
  let stimulusPower = 0;
  let crossMagnitude = 0;
  for (let k = 1; k < half; k++) {
    const xr = X[2 * k] as number;
    const xi = X[2 * k + 1] as number;
    const yr = Y[2 * k] as number;
    const yi = Y[2 * k + 1] as number;
    stimulusPower += xr * xr + xi * xi;
    crossMagnitude += Math.sqrt((xr * yr + xi * yi) ** 2 + (xr * yi - xi * yr) ** 2);
  }
  const lambda = 1e-3 * (stimulusPower / (half - 1));
  const eps = 1e-3 * (crossMagnitude / (half - 1)) + Number.MIN_VALUE;
  const taperLo = 0.85 * half;
  const taperHi = 0.97 * half;

  // The weighted cross-spectrum, bins 0..N/2 (DC and Nyquist stay zero).
  const Gr = new Float64Array(half + 1);
  const Gi = new Float64Array(half + 1);
  for (let k = 1; k < half; k++) {
    const xr = X[2 * k] as number;
    const xi = X[2 * k + 1] as number;
    const yr = Y[2 * k] as number;
    const yi = Y[2 * k + 1] as number;
    const gr = xr * yr + xi * yi;
    const gi = xr * yi - xi * yr;
    const px = xr * xr + xi * xi;
    let weight = (1 / (Math.sqrt(gr * gr + gi * gi) + eps)) * (px / (px + lambda));
    if (k > taperLo) weight *= k >= taperHi ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (k - taperLo)) / (taperHi - taperLo));
    Gr[k] = gr * weight;
    Gi[k] = gi * weight;
  }
  const r = realInverse(Gr, Gi, size);

  const maxLag = Math.min(recording.length - 1, size - stimulusFrames);
  const lagsSearched = maxLag + 1;
  let peakLag = 0;
  let peakAbs = -1;
  for (let k = 0; k <= maxLag; k++) {
    const a = Math.abs(r[k] as number);
    if (a > peakAbs) {
      peakAbs = a;
      peakLag = k;
    }
  }
  let sumSquares = 0;
  let counted = 0;
  let secondAbs = 0;
  for (let k = 0; k <= maxLag; k++) {
    if (Math.abs(k - peakLag) <= PEAK_GUARD) continue;
    const v = r[k] as number;
    sumSquares += v * v;
    counted++;
    secondAbs = Math.max(secondAbs, Math.abs(v));
  }
  if (peakAbs <= 0 || counted === 0) return { ...empty, lagsSearched };
  const noiseRms = Math.sqrt(sumSquares / counted);
  const peakToNoise = noiseRms > 0 ? peakAbs / noiseRms : Number.POSITIVE_INFINITY;
  const excess = peakToNoise / Math.sqrt(2 * Math.log(Math.max(2, counted)));
  const secondPeakRatio = secondAbs / peakAbs;
  const confidence = confidenceOf(excess, secondPeakRatio);

  const sign = (r[peakLag] as number) < 0 ? -1 : 1;
  const refined = goldenMax((t) => sign * interpolate(r, t), peakLag - 1, peakLag + 1);

  const round3 = (v: number): number => Math.round(v * 1000) / 1000;
  const window = { lags: [] as number[], values: [] as number[] };
  for (let i = -WINDOW_FRAMES * WINDOW_STEPS; i <= WINDOW_FRAMES * WINDOW_STEPS; i++) {
    const t = peakLag + i / WINDOW_STEPS;
    window.lags.push(round3(t - active.start));
    window.values.push(round3(interpolate(r, t) / peakAbs));
  }
  const overview = { lags: [] as number[], values: [] as number[] };
  const from = Math.max(0, peakLag - OVERVIEW_FRAMES);
  const to = Math.min(maxLag, peakLag + OVERVIEW_FRAMES);
  const binWidth = Math.max(1, Math.ceil((to - from + 1) / OVERVIEW_BINS));
  for (let start = from; start <= to; start += binWidth) {
    let largest = 0;
    for (let k = start; k < Math.min(to + 1, start + binWidth); k++) largest = Math.max(largest, Math.abs(r[k] as number));
    overview.lags.push(start - active.start);
    overview.values.push(Math.max(1e-6, largest / peakAbs));
  }
  const found = confidence >= CONFIDENCE_THRESHOLD;
  return {
    latencyFrames: found ? refined - active.start : null,
    confidence,
    inverted: found && sign < 0,
    peakToNoise,
    excess,
    secondPeakRatio,
    lagsSearched,
    stimulusLeadFrames: active.start,
    window,
    overview,
  };
}
