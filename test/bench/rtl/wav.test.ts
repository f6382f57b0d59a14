import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ArchibaldError } from '../../../src/errors.js';
import { parseIodelay, settledReading } from '../../../src/bench/rtl/iodelay.js';
import { analyzeWavs } from '../../../src/bench/rtl/result.js';
import { makeStimulus, padded, whiteNoise } from '../../../src/bench/rtl/stimulus.js';
import { syntheticRecording } from '../../../src/bench/rtl/synthetic.js';
import { decodeWav, encodeWavFloat32, encodeWavInt, type Wav } from '../../../src/bench/rtl/wav.js';
import { parseQuantum } from '../../../src/bench/rtl/measure-pipewire.js';

const RATE = 48_000;
const decoded = (bytes: Uint8Array): Wav => {
  const result = decodeWav(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.wav;
};

describe('WAV input', () => {
  const stimulus = padded(makeStimulus('sweep', { rate: RATE, durationS: 0.25 }), 200, 200);
  const recording = syntheticRecording(stimulus, 812.4, RATE, { gain: 0.7, dcOffset: -0.05, noiseDb: -20 });

  for (const [name, encode] of [
    ['16-bit integer', (ch: Float32Array[]) => encodeWavInt(RATE, ch, 16)],
    ['24-bit integer', (ch: Float32Array[]) => encodeWavInt(RATE, ch, 24)],
    ['32-bit integer', (ch: Float32Array[]) => encodeWavInt(RATE, ch, 32)],
    ['32-bit float', (ch: Float32Array[]) => encodeWavFloat32(RATE, ch)],
  ] as const) {
    test(`${name}: samples come back scaled to [-1, 1] and the delay is found within 0.05 frame`, () => {
      const wav = decoded(encode([recording]));
      assert.equal(wav.rate, RATE);
      assert.equal(wav.channels.length, 1);
      assert.equal(wav.channels[0]?.length, recording.length);
      const step = name.startsWith('16') ? 1 / 32768 : 1e-6;
      for (const i of [0, 1000, 20_000, 40_000]) assert.ok(Math.abs((wav.channels[0]?.[i] ?? NaN) - (recording[i] ?? NaN)) <= step);
      const analysis = analyzeWavs(decoded(encodeWavFloat32(RATE, [stimulus])), wav);
      assert.ok(Math.abs((analysis.document.latencyFrames ?? NaN) - 812.4) <= 0.05, `got ${analysis.document.latencyFrames}`);
    });
  }

  test('multichannel: --channel picks a channel; without it the most confident channel wins', () => {
    const silentish = whiteNoise(recording.length, 0.05, 4);
    const wav = decoded(encodeWavInt(RATE, [silentish, recording, silentish], 24));
    const stim = decoded(encodeWavFloat32(RATE, [stimulus]));
    const auto = analyzeWavs(stim, wav);
    assert.equal(auto.document.channel, 2);
    assert.equal(auto.document.channels, 3);
    assert.ok(Math.abs((auto.document.latencyFrames ?? NaN) - 812.4) <= 0.05);
    const first = analyzeWavs(stim, wav, { channel: 1 });
    assert.equal(first.document.found, false);
    assert.ok(first.document.confidence < 0.1);
    assert.throws(() => analyzeWavs(stim, wav, { channel: 4 }), (error: unknown) => error instanceof ArchibaldError && error.exitCode === 2);
  });

  test('different sample rates are an input error (exit 2), not a guess', () => {
    const stim = decoded(encodeWavFloat32(44_100, [stimulus]));
    assert.throws(() => analyzeWavs(stim, decoded(encodeWavFloat32(RATE, [recording]))), (error: unknown) => error instanceof ArchibaldError && error.exitCode === 2 && /sample rates differ/.test(error.message));
  });

  test('unsupported and broken files are typed errors', () => {
    assert.equal(decodeWav(new Uint8Array(0)).ok, false);
    assert.equal(decodeWav(new TextEncoder().encode('RIFF....WAVEfmt not really a wav file at all, sorry.')).ok, false);
    const good = encodeWavInt(RATE, [recording.subarray(0, 100)], 16);
    assert.equal(decodeWav(good.slice(0, 44)).ok, false, 'a header without samples');
    // A file cut short keeps the whole frames it still has.
    const cut = decodeWav(good.slice(0, 50));
    assert.ok(cut.ok && cut.wav.channels[0]?.length === 3);
  });

  test('property: random bytes never throw, they give a typed result', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const result = decodeWav(bytes);
        if (!result.ok) assert.match(result.error, /^WAV file: /);
      }),
      { numRuns: 500 },
    );
  });

  test('property: a valid header followed by random bytes, or a valid file with random bytes flipped, never throws', () => {
    const header = encodeWavInt(RATE, [new Float32Array(8)], 16).slice(0, 44);
    const valid = encodeWavFloat32(RATE, [recording.subarray(0, 64), recording.subarray(64, 128)]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (tail, flips) => {
        const withTail = new Uint8Array(header.length + tail.length);
        withTail.set(header);
        withTail.set(tail, header.length);
        const flipped = valid.slice();
        for (const [at, value] of flips) flipped[at] = value;
        for (const bytes of [withTail, flipped]) {
          const result = decodeWav(bytes);
          if (result.ok) for (const channel of result.wav.channels) for (const v of channel) assert.ok(Number.isFinite(v) && Math.abs(v) <= 3.5e38);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('jack_iodelay output', () => {
  // Captured from jack_iodelay (jackd2 1.9.21) with its output connected to its input, period 128.
  const captured = `new capture latency: [0, 0]
new playback latency: [0, 0]
Signal below threshold...
   128.000 frames      2.667 ms total roundtrip latency
\textra loopback latency: 128 frames
\tuse 64 for the backend arguments -I and -O
   128.000 frames      2.667 ms total roundtrip latency
\textra loopback latency: 128 frames
\tuse 64 for the backend arguments -I and -O
`;
  test('readings and the settled value', () => {
    const readings = parseIodelay(captured);
    assert.equal(readings.length, 2);
    assert.deepEqual(readings[0], { frames: 128, ms: 2.667, extraFrames: 128, inverted: false });
    assert.deepEqual(settledReading(readings), readings[1]);
    assert.equal(settledReading([]), null);
    assert.equal(parseIodelay('   64.000 frames      1.333 ms total roundtrip latency (Inv)\n')[0]?.inverted, true);
    // Captured through jackd's dummy monitor port, where the driver reports more than the loop has.
    const underflow = parseIodelay('   128.000 frames      2.667 ms total roundtrip latency\n\textra loopback latency: 4294967040 frames\n');
    assert.equal(underflow[0]?.extraFrames, -256);
  });

  test('property: any text gives readings with finite numbers, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.array(fc.constantFrom(captured, ' 12.5 frames 0.26 ms total roundtrip latency', 'frames ms total', '\textra loopback latency: x frames'), { maxLength: 4 }), (noise, pieces) => {
        for (const reading of parseIodelay([noise, ...pieces, noise].join('\n'))) {
          assert.ok(Number.isFinite(reading.frames) && Number.isFinite(reading.ms));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('pw-metadata settings: forced quantum wins over the clock quantum', () => {
    const text = "Found \"settings\" metadata 31\nupdate: id:0 key:'clock.quantum' value:'1024' type:''\nupdate: id:0 key:'clock.force-quantum' value:'0' type:''\n";
    assert.equal(parseQuantum(text), 1024);
    assert.equal(parseQuantum(text.replace("force-quantum' value:'0'", "force-quantum' value:'64'")), 64);
    assert.equal(parseQuantum('garbage'), null);
  });
});
