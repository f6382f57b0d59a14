/**
 * How long the analysis takes for a 10 s, 48 kHz capture (goal < 100 ms):
 *   node --import tsx bench/rtl-analysis-speed.ts [runs=10]
 * Times the core (estimateDelay: two real FFTs, the weighted cross-spectrum, one inverse FFT,
 * the peak search and interpolation) cold and warm, for a 1 s and a 10 s stimulus, then WAV
 * decoding of a 10 s 24-bit stereo file, and finally the whole `bench rtl analyze` command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateDelay } from '../src/bench/rtl/analyze.js';
import { makeStimulus, padded, whiteNoise } from '../src/bench/rtl/stimulus.js';
import { decodeWav, encodeWavFloat32, encodeWavInt } from '../src/bench/rtl/wav.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.ARCHIBALD_BIN ?? path.join(repo, 'bin/archibald.js');
const runs = Number(process.argv[2] ?? 10);
const RATE = 48_000;
const FRAMES = 10 * RATE;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function recordingWith(stimulus: Float32Array, delay: number): Float32Array {
  const y = whiteNoise(FRAMES, 0.01, 3);
  for (let i = 0; i < stimulus.length && i + delay < FRAMES; i++) y[i + delay] = (y[i + delay] as number) + 0.5 * (stimulus[i] as number);
  return y;
}

/** Wall time and this process's CPU time (the latter is what a busy machine does not inflate much). */
function measure(fn: () => void): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  fn();
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

function time(label: string, stimulus: Float32Array, recording: Float32Array): void {
  let found: number | null = null;
  const cold = measure(() => {
    found = estimateDelay(stimulus, recording).latencyFrames;
  });
  const warm = Array.from({ length: runs }, () => measure(() => estimateDelay(stimulus, recording)));
  const wall = median(warm.map((m) => m.wall));
  const cpu = median(warm.map((m) => m.cpu));
  console.log(`${label.padEnd(40)} cold ${cold.wall.toFixed(1).padStart(6)} ms   warm median ${wall.toFixed(1).padStart(6)} ms wall, ${cpu.toFixed(1).padStart(6)} ms CPU   (found ${(found as number | null)?.toFixed(3) ?? 'nothing'})`);
}

console.log(`load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs`);
const oneSecond = makeStimulus('noise', { rate: RATE, durationS: 1 });
time('10 s capture, 1 s noise stimulus', oneSecond, recordingWith(oneSecond, 12_345));
const tenSeconds = padded(makeStimulus('sweep', { rate: RATE, durationS: 9 }), 0, RATE);
time('10 s capture, 10 s sweep stimulus file', tenSeconds, recordingWith(tenSeconds, 2_345));

const dir = mkdtempSync(path.join(tmpdir(), 'archibald-rtl-speed-'));
try {
  const recording = recordingWith(oneSecond, 12_345);
  const wav = encodeWavInt(RATE, [recording, recording], 24);
  const decodeTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    decodeWav(wav);
    decodeTimes.push(performance.now() - started);
  }
  console.log(`${'decode 10 s 24-bit stereo WAV'.padEnd(44)} warm median ${median(decodeTimes).toFixed(1).padStart(6)} ms`);
  writeFileSync(path.join(dir, 'stimulus.wav'), encodeWavFloat32(RATE, [oneSecond]));
  writeFileSync(path.join(dir, 'recording.wav'), encodeWavInt(RATE, [recording], 24));
  const command = [bin, 'bench', 'rtl', 'analyze', '--stimulus', path.join(dir, 'stimulus.wav'), '--recording', path.join(dir, 'recording.wav'), '--json'];
  const wall: number[] = [];
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, command, { encoding: 'utf8' });
    wall.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`analyze exited ${result.status}: ${result.stderr}`);
  }
  const nodeStart: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    nodeStart.push(performance.now() - started);
  }
  console.log(`${'`bench rtl analyze` command, end to end'.padEnd(44)} median ${median(wall).toFixed(0).padStart(6)} ms   (node -e 0 alone: ${median(nodeStart).toFixed(0)} ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
