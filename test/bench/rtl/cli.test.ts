/** End to end: `node bin/archibald.js bench rtl analyze` on WAV files (needs a build first). */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../../../src/system/run.js';
import { renderOffline } from '../../helpers/browser.js';
import { needTools } from '../../helpers/tools.js';
import { makeStimulus, padded, whiteNoise } from '../../../src/bench/rtl/stimulus.js';
import { syntheticRecording } from '../../../src/bench/rtl/synthetic.js';
import { encodeWavFloat32, encodeWavInt } from '../../../src/bench/rtl/wav.js';

const RATE = 48_000;
const cli = (args: string[]) => run([process.execPath, 'bin/archibald.js', 'bench', 'rtl', 'analyze', ...args], { timeoutMs: 20_000 });

describe('archibald bench rtl analyze', () => {
  let dir = '';
  const file = (name: string): string => path.join(dir, name);
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'archibald-rtl-cli-'));
    const stimulus = padded(makeStimulus('noise', { rate: RATE, durationS: 0.5 }), 100, 100);
    const loop = syntheticRecording(stimulus, 1480.6, RATE * 2, { gain: -0.3, dcOffset: 0.02, noiseDb: -20 });
    await writeFile(file('stimulus.wav'), encodeWavFloat32(RATE, [stimulus]));
    await writeFile(file('loop.wav'), encodeWavInt(RATE, [whiteNoise(loop.length, 0.01, 5), loop], 24));
    await writeFile(file('noise.wav'), encodeWavInt(RATE, [whiteNoise(RATE, 0.2, 6)], 16));
    await writeFile(file('loop44k.wav'), encodeWavInt(44_100, [loop], 16));
    await writeFile(file('junk.wav'), 'RIFF, but no.');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('--json: one document with the fractional delay, polarity and channel; exit 0', async () => {
    const result = await cli(['--stimulus', file('stimulus.wav'), '--recording', file('loop.wav'), '--json']);
    assert.ok(result.ok, result.ok ? '' : result.message + result.stderr);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(doc.rate, RATE);
    assert.ok(Math.abs((doc.latencyFrames as number) - 1480.6) <= 0.05, `got ${String(doc.latencyFrames)}`);
    assert.ok(Math.abs((doc.latencyMs as number) - (1480.6 / RATE) * 1000) < 0.002);
    assert.equal(doc.inverted, true);
    assert.equal(doc.channel, 2);
    assert.ok((doc.confidence as number) > 0.9);
    assert.equal(result.stderr, '');
  });

  test('--channel 2 --out DIR: an HTML report with the correlation plot and the JSON', async () => {
    const out = file('report');
    const result = await cli(['--stimulus', file('stimulus.wav'), '--recording', file('loop.wav'), '--channel', '2', '--out', out]);
    assert.ok(result.ok);
    assert.match(result.stdout, /latency\s+1480\.(5[5-9]|6[0-5])\d frames/);
    assert.match(result.stdout, /INVERTED/);
    const html = await readFile(path.join(out, 'bench-rtl.html'), 'utf8');
    assert.match(html, /data-chart/);
    assert.match(html, /cross-correlation around its peak/);
    assert.doesNotMatch(html, /<script src=/, 'self-contained');
    const json = JSON.parse(await readFile(path.join(out, 'bench-rtl.json'), 'utf8')) as { latencyFrames: number };
    assert.ok(Math.abs(json.latencyFrames - 1480.6) <= 0.05);
  });

  test('the HTML report renders both charts offline in Chromium', async (t) => {
    if (!needTools(t, ['chromium'])) return;
    const out = file('browser');
    const result = await cli(['--stimulus', file('stimulus.wav'), '--recording', file('loop.wav'), '--out', out, '--json']);
    assert.ok(result.ok);
    const rendered = await renderOffline(path.join(out, 'bench-rtl.html'), null);
    assert.equal(rendered.charts, 2);
    assert.deepEqual(rendered.blocked, []);
    assert.match(rendered.text, /maximum at 1480\.\d{3} frames/);
  });

  test('no trace of the stimulus: exit 1, latency null, confidence near 0', async () => {
    const result = await cli(['--stimulus', file('stimulus.wav'), '--recording', file('noise.wav'), '--json']);
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 1);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(doc.latencyFrames, null);
    assert.equal(doc.latencyMs, null);
    assert.equal(doc.found, false);
    assert.ok((doc.confidence as number) < 0.1);
    const human = await cli(['--stimulus', file('stimulus.wav'), '--recording', file('noise.wav')]);
    assert.equal(human.exitCode, 1);
    assert.match(human.stderr, /no trace of the stimulus/);
  });

  test('rate mismatch, a broken WAV, a missing file, a bad channel: exit 2 with one line', async () => {
    for (const [args, pattern] of [
      [['--stimulus', file('stimulus.wav'), '--recording', file('loop44k.wav')], /sample rates differ: stimulus 48000 Hz, recording 44100 Hz/],
      [['--stimulus', file('stimulus.wav'), '--recording', file('junk.wav')], /junk\.wav/],
      [['--stimulus', file('nope.wav'), '--recording', file('loop.wav')], /does not exist/],
      [['--stimulus', file('stimulus.wav'), '--recording', file('loop.wav'), '--channel', '0'], /--channel/],
    ] as const) {
      const result = await cli([...args]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
  });
});
