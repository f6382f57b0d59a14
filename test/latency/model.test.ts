/** The latency model against answers worked out by hand (docs/latency.md shows the working). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { compareMeasured, latencyBudget, pipewireDefaultPeriod, usbPackets, type LatencyInput } from '../../src/latency/model.js';
import { archibald, REPO } from '../profile/cli.js';

const studio: LatencyInput = {
  rate: 48000,
  quantum: 32,
  periods: 2,
  device: 'usb',
  engine: 'pipewire',
  usbSpeed: 'high',
  usbLowlatency: true,
  jackBridge: true,
  pluginFrames: 0,
};

const frames = (input: Partial<LatencyInput>) => latencyBudget({ ...studio, ...input }).stages.map((s) => [s.id, s.frames]);

test('PipeWire on PCI at 32/48k: headroom 32 + quantum + quantum = 96 frames, 2 ms', () => {
  const budget = latencyBudget({ ...studio, device: 'pci' });
  assert.deepEqual(budget.stages.map((s) => [s.id, s.frames, s.ms]), [
    ['input.headroom', 32, 0.667],
    ['input.quantum', 32, 0.667],
    ['jack.bridge', 0, 0],
    ['plugins', 0, 0],
    ['output.quantum', 32, 0.667],
    ['output.headroom', 0, 0],
  ]);
  assert.deepEqual([budget.totalFrames, budget.totalMs, budget.reportedFrames, budget.alsaPeriodFrames], [96, 2, 96, 32]);
});

test('PipeWire on high-speed USB at 32/48k (the studio profile): 148 frames, 3.083 ms', () => {
  // ALSA period 16 (batch: 32 / 2); capture URB 8 -> 4 -> 2 -> 1 packet (9-frame max packets vs 16);
  // playback: ceil(16 / 5.25) = 4 packets in one URB, + 1 microframe = 5 x 6 frames.
  const budget = latencyBudget(studio);
  assert.deepEqual(budget.stages.map((s) => [s.id, s.frames]), [
    ['input.usb', 6],
    ['input.headroom', 32],
    ['input.quantum', 32],
    ['jack.bridge', 0],
    ['plugins', 0],
    ['output.quantum', 32],
    ['output.headroom', 16],
    ['output.usb', 30],
  ]);
  assert.deepEqual([budget.totalFrames, budget.totalMs, budget.reportedFrames, budget.alsaPeriodFrames], [148, 3.083, 112, 16]);
});

test('the safe profile (256 frames, 3 periods, USB): 864 frames, 18 ms', () => {
  // period 128; capture URB stays 8 packets (72 < 128) = 48 frames; playback ceil(128/5.25) = 25
  // packets over ceil(25/8) = 4 URBs of 7 packets, + 1 = 8 x 6 = 48 frames.
  assert.deepEqual(frames({ quantum: 256, periods: 3 }), [
    ['input.usb', 48],
    ['input.headroom', 128],
    ['input.quantum', 256],
    ['jack.bridge', 0],
    ['plugins', 0],
    ['output.quantum', 256],
    ['output.headroom', 128],
    ['output.usb', 48],
  ]);
  const budget = latencyBudget({ ...studio, quantum: 256, periods: 3 });
  assert.deepEqual([budget.totalFrames, budget.totalMs], [864, 18]);
});

test('jackd on PCI, 64 frames x 3 periods: capture + async cycle + 2 periods = 256 frames', () => {
  const budget = latencyBudget({ ...studio, engine: 'jackd', device: 'pci', quantum: 64, periods: 3 });
  assert.deepEqual(budget.stages.map((s) => [s.id, s.frames]), [
    ['input.period', 64],
    ['jack.async', 64],
    ['plugins', 0],
    ['output.buffer', 128],
  ]);
  assert.deepEqual([budget.totalFrames, budget.totalMs], [256, 5.333]);
});

test('full-speed USB at 64/48k: 1 ms packets dominate (336 frames, 7 ms)', () => {
  assert.deepEqual(frames({ quantum: 64, usbSpeed: 'full' }), [
    ['input.usb', 48],
    ['input.headroom', 32],
    ['input.quantum', 64],
    ['jack.bridge', 0],
    ['plugins', 0],
    ['output.quantum', 64],
    ['output.headroom', 32],
    ['output.usb', 96],
  ]);
  assert.equal(latencyBudget({ ...studio, quantum: 64, usbSpeed: 'full' }).totalMs, 7);
});

test('44.1 kHz: fractional packets (5.5125 frames per microframe)', () => {
  assert.equal(pipewireDefaultPeriod(44100), 1024);
  assert.equal(pipewireDefaultPeriod(96000), 2048);
  const budget = latencyBudget({ ...studio, rate: 44100, quantum: 64 });
  const byId = Object.fromEntries(budget.stages.map((s) => [s.id, s.frames]));
  assert.equal(byId['input.usb'], 11.025); // 2 packets
  assert.equal(byId['output.usb'], 49.613); // (8 + 1) packets x 5.5125, rounded to 3 places
  assert.ok(Math.abs(budget.totalFrames - 252.6375) < 0.002);
  assert.equal(budget.totalMs, 5.729);
});

test('lowlatency off queues the whole URB ring; plugin latency adds and is reported', () => {
  const off = usbPackets(48000, 16, 2, 'high');
  assert.deepEqual([off.playbackUrbPackets, off.playbackQueuedUrbs], [4, 2]);
  assert.deepEqual(frames({ usbLowlatency: false }).at(-1), ['output.usb', 48]);
  const plugins = latencyBudget({ ...studio, pluginFrames: 100 });
  assert.deepEqual([plugins.totalFrames, plugins.reportedFrames], [248, 212]);
});

test('measured vs nominal: the unexplained part and the systemic latency for Ardour', () => {
  const budget = latencyBudget(studio);
  assert.deepEqual(compareMeasured(budget, { rate: 48000, latencyFrames: 190.4 }), {
    measuredFrames: 190.4,
    measuredMs: 3.967,
    measuredFramesAtModelRate: 190.4,
    nominalFrames: 148,
    unexplainedFrames: 42.4,
    unexplainedMs: 0.883,
    systemicFrames: 78,
    systemicMs: 1.625,
  });
  // A measurement taken at 96 kHz is converted to the model's rate before comparing.
  assert.equal(compareMeasured(budget, { rate: 96000, latencyFrames: 380.8 }).measuredFramesAtModelRate, 190.4);
});

test('the model is monotonic in quantum and periods, and stages add up to the total', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(44100, 48000, 88200, 96000, 176400, 192000),
      fc.integer({ min: 4, max: 12 }),
      fc.integer({ min: 2, max: 8 }),
      fc.constantFrom<'usb' | 'pci'>('usb', 'pci'),
      fc.constantFrom<'pipewire' | 'jackd'>('pipewire', 'jackd'),
      fc.constantFrom<'high' | 'full'>('high', 'full'),
      (rate, log2, periods, device, engine, usbSpeed) => {
        const input = { ...studio, rate, quantum: 2 ** log2, periods, device, engine, usbSpeed };
        const budget = latencyBudget(input);
        const sum = budget.stages.reduce((total, s) => total + s.frames, 0);
        assert.ok(Math.abs(sum - budget.totalFrames) < 0.01);
        assert.ok(budget.stages.every((s) => s.frames >= 0 && Number.isFinite(s.ms)));
        if (log2 < 12) assert.ok(latencyBudget({ ...input, quantum: 2 ** (log2 + 1) }).totalFrames > budget.totalFrames);
        if (periods < 8) assert.ok(latencyBudget({ ...input, periods: periods + 1 }).totalFrames >= budget.totalFrames);
      },
    ),
  );
});

test('`archibald latency --json` keeps the contract; bad flags are one line, exit 2', async (t) => {
  const result = await archibald(['latency', '--json', '--file', path.join(REPO, 'profiles/studio.json')]);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as Record<string, unknown> & { stages: Array<Record<string, unknown>> };
  assert.deepEqual([doc.rate, doc.quantum, doc.totalFrames, doc.totalMs], [48000, 32, 148, 3.083]);
  for (const stage of doc.stages) assert.deepEqual([typeof stage.name, typeof stage.frames, typeof stage.ms], ['string', 'number', 'number']);

  const whatIf = await archibald(['latency', '--json', '--device', 'pci', '--quantum', '64', '--rate', '96000', '--file', path.join(REPO, 'profiles/studio.json')]);
  assert.deepEqual((({ rate, quantum, device, totalFrames }) => ({ rate, quantum, device, totalFrames }))(JSON.parse(whatIf.stdout)), { rate: 96000, quantum: 64, device: 'pci', totalFrames: 160 });

  for (const [args, line] of [
    [['--quantum', '48'], 'archibald: --quantum "48": must be a power of two in 16..8192 (frames)\n'],
    [['--quantum', '16384'], 'archibald: --quantum "16384": must be a power of two in 16..8192 (frames)\n'],
    [['--rate', '50000'], 'archibald: --rate "50000": must be one of 44100, 48000, 88200, 96000, 176400, 192000 (Hz)\n'],
    [['--periods', '1'], 'archibald: --periods "1": must be a whole number in 2..8\n'],
    [['--device', 'firewire'], 'archibald: --device "firewire": must be one of usb, pci\n'],
    [['--plugin-frames', '-1'], 'archibald: --plugin-frames "-1": must be a whole number of frames in 0..1000000\n'],
  ] as const) {
    const bad = await archibald(['latency', ...args]);
    assert.deepEqual([bad.code, bad.stdout, bad.stderr], [2, '', line], args.join(' '));
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-latency-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const measured = path.join(dir, 'rtl.json');
  await writeFile(measured, JSON.stringify({ rate: 48000, latencyFrames: 190.4, latencyMs: 3.967, confidence: 0.97, inverted: false }));
  const compared = await archibald(['latency', '--json', '--measured', measured, '--file', path.join(REPO, 'profiles/studio.json')]);
  const comparison = JSON.parse(compared.stdout).measured as Record<string, unknown>;
  assert.deepEqual([comparison.nominalFrames, comparison.unexplainedFrames, comparison.systemicFrames, comparison.confidence], [148, 42.4, 78, 0.97]);
  const human = await archibald(['latency', '--measured', measured, '--file', path.join(REPO, 'profiles/studio.json')]);
  assert.match(human.stdout, /systemic latency +78 frames: enter in Ardour/);
  await writeFile(measured, JSON.stringify({ rate: 48000, latencyFrames: null, confidence: 0.02 }));
  const empty = await archibald(['latency', '--measured', measured]);
  assert.deepEqual([empty.code, empty.stderr], [2, `archibald: --measured ${measured}: latencyFrames must be a non-negative number of frames (a \`bench rtl --json\` result)\n`]);
});
