/**
 * WAV in and out, pure (bytes in, samples out). Parsing is done by the `wavefile` library; this
 * file only turns its exceptions and odd formats into one typed result, and scales every integer
 * format to [-1, 1) so analysis and plots never care about bit depth.
 */
import wavefile from 'wavefile';
import { z } from 'zod';
import { formatIssues } from '../../errors.js';

export interface Wav {
  rate: number;
  /** One array per channel, samples scaled to [-1, 1]. */
  channels: Float32Array[];
  bitsPerSample: number;
  sampleFormat: 'int' | 'float';
}

export type WavResult = { ok: true; wav: Wav } | { ok: false; error: string };

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** What wavefile read from the fmt chunk, checked before anything trusts it. */
const FmtChunk = z.object({
  audioFormat: z.number(),
  numChannels: z.number().int().min(1, 'no channels').max(64, 'more than 64 channels'),
  sampleRate: z.number().int().min(1000, 'sample rate below 1000 Hz').max(768_000, 'sample rate above 768 kHz'),
  bitsPerSample: z.number().int().positive('no bits per sample'),
  subformat: z.array(z.number()).optional(),
});
type FmtChunk = z.infer<typeof FmtChunk>;

/** The effective sample format: WAVE_FORMAT_EXTENSIBLE hides it in the first word of the subformat GUID. */
function formatCode(fmt: FmtChunk): number | null {
  if (fmt.audioFormat === EXTENSIBLE) {
    const first = fmt.subformat?.[0];
    return first === undefined ? null : first & 0xffff;
  }
  return fmt.audioFormat;
}

export function decodeWav(bytes: Uint8Array, what = 'WAV file'): WavResult {
  const fail = (reason: string): WavResult => ({ ok: false, error: `${what}: ${reason}` });
  if (bytes.length < 44) return fail('too short to be a WAV file');
  let file: InstanceType<typeof wavefile.WaveFile>;
  try {
    file = new wavefile.WaveFile(bytes);
  } catch (error) {
    return fail(`not a readable WAV file (${(error as Error).message})`);
  }
  const parsed = FmtChunk.safeParse(file.fmt);
  if (!parsed.success) return fail(`unsupported format chunk (${formatIssues(parsed.error.issues)})`);
  const fmt = parsed.data;
  const code = formatCode(fmt);
  const { numChannels, sampleRate, bitsPerSample } = fmt;
  let sampleFormat: Wav['sampleFormat'];
  if (code === PCM && [8, 16, 24, 32].includes(bitsPerSample)) sampleFormat = 'int';
  else if (code === IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) sampleFormat = 'float';
  else return fail(`unsupported sample format (format ${String(code)}, ${bitsPerSample} bits); use 16/24/32-bit integer or 32-bit float PCM`);

  const data = (file.data as { samples?: unknown }).samples;
  const bytesPerSample = bitsPerSample / 8;
  const frames = data instanceof Uint8Array ? Math.floor(data.length / (bytesPerSample * numChannels)) : 0;
  if (!(data instanceof Uint8Array) || frames === 0) return fail('no audio data');
  const channels = deinterleave(data, frames, numChannels, bitsPerSample, sampleFormat, file.container === 'RIFX');
  return { ok: true, wav: { rate: sampleRate, channels, bitsPerSample, sampleFormat } };
}

/**
 * wavefile's own sample unpacking handles every exotic format but takes about a second for ten
 * seconds of stereo float; the formats we accept are read here directly with a DataView.
 */
function deinterleave(data: Uint8Array, frames: number, numChannels: number, bits: number, sampleFormat: Wav['sampleFormat'], bigEndian: boolean): Float32Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = !bigEndian;
  const step = bits / 8;
  const read: (at: number) => number =
    sampleFormat === 'float'
      ? bits === 32
        ? (at) => view.getFloat32(at, little)
        : (at) => view.getFloat64(at, little)
      : bits === 8
        ? (at) => (view.getUint8(at) - 128) / 128
        : bits === 16
          ? (at) => view.getInt16(at, little) / 32768
          : bits === 24
            ? (at) => {
                const b0 = view.getUint8(at + (little ? 0 : 2));
                const b1 = view.getUint8(at + 1);
                const b2 = view.getInt8(at + (little ? 2 : 0));
                return ((b2 << 16) | (b1 << 8) | b0) / 8388608;
              }
            : (at) => view.getInt32(at, little) / 2147483648;
  const channels = Array.from({ length: numChannels }, () => new Float32Array(frames));
  for (let c = 0; c < numChannels; c++) {
    const channel = channels[c] as Float32Array;
    for (let frame = 0, at = c * step; frame < frames; frame++, at += step * numChannels) {
      const value = read(at);
      channel[frame] = Number.isFinite(value) ? value : 0;
    }
  }
  return channels;
}

/** 32-bit float WAV (the stimulus we play, and what tests write). */
export function encodeWavFloat32(rate: number, channels: readonly Float32Array[]): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const interleaved = new Float32Array(frames * channels.length);
  channels.forEach((channel, c) => {
    for (let i = 0; i < frames; i++) interleaved[i * channels.length + c] = channel[i] ?? 0;
  });
  const file = new wavefile.WaveFile();
  file.fromScratch(channels.length, rate, '32f', []);
  // Little-endian hosts only (x86, ARM): the Float32Array's bytes are the WAV's bytes.
  (file.data as { samples: Uint8Array }).samples = new Uint8Array(interleaved.buffer);
  return file.toBuffer();
}

/** Integer WAV at 16 or 24 bits (for tests of other bit depths), with rounding and clipping. */
export function encodeWavInt(rate: number, channels: readonly Float32Array[], bits: 16 | 24 | 32): Uint8Array {
  const full = 2 ** (bits - 1);
  const samples = channels.map((channel) => Float64Array.from(channel, (v) => Math.max(-full, Math.min(full - 1, Math.round(v * full)))));
  const file = new wavefile.WaveFile();
  file.fromScratch(channels.length, rate, String(bits), channels.length === 1 ? samples[0] ?? [] : samples);
  return file.toBuffer();
}
