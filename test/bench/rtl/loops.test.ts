/**
 * Real loops: jackd's dummy backend (our client's output into its own input, jack_iodelay on the
 * same loop in the same run) and a PipeWire null sink whose monitor is recorded.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../../../src/system/run.js';
import { startJack, startPipewire } from '../../helpers/daemons.js';
import { needTools } from '../../helpers/tools.js';

interface Measurement {
  backend: string;
  rate: number;
  bufferFrames: number;
  latencyFrames: number | null;
  confidence: number;
  extraFrames: number | null;
  compare: { latencyFrames: number | null; differenceFrames: number | null; agree: boolean | null } | null;
}

let stateDir = '';
before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'archibald-rtl-state-'));
});
after(async () => rm(stateDir, { recursive: true, force: true }));

const bench = (args: string[], env: NodeJS.ProcessEnv) =>
  run([process.execPath, 'bin/archibald.js', 'bench', 'rtl', ...args, '--json', '--duration', '0.3'], { timeoutMs: 60_000, env: { ...env, ARCHIBALD_STATE_DIR: stateDir } });

describe('JACK dummy loop: archibald vs jack_iodelay', () => {
  for (const period of [32, 64, 128, 256]) {
    test(`period ${period}`, async (t) => {
      if (!needTools(t, ['jackd', 'jack_iodelay', 'jack_connect', 'jack_lsp', 'python3', 'stdbuf'])) return;
      const jack = await startJack({ period, rate: 48_000 });
      t.after(() => jack.stop());
      const result = await bench(['--backend', 'jack', '--self-loop', '--compare'], jack.env);
      assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.stderr}`);
      const doc = JSON.parse(result.stdout) as Measurement;
      assert.equal(doc.bufferFrames, period);
      assert.ok(doc.latencyFrames !== null && doc.compare?.latencyFrames != null);
      assert.ok(Math.abs(doc.latencyFrames - doc.compare.latencyFrames) <= 1, `archibald ${doc.latencyFrames} vs jack_iodelay ${doc.compare.latencyFrames}`);
      assert.equal(doc.compare.agree, true);
      // A client's output fed to its own input arrives one period later.
      assert.ok(Math.abs(doc.latencyFrames - period) <= 0.05, `${doc.latencyFrames} frames at period ${period}`);
      assert.ok(doc.confidence > 0.9);
      // Saved for `archibald report` and the console.
      const saved = (await readdir(path.join(stateDir, 'results'))).filter((name) => name.startsWith('bench-rtl-'));
      const latest = JSON.parse(await readFile(path.join(stateDir, 'results', saved.sort().pop() ?? ''), 'utf8')) as Measurement;
      assert.equal(latest.bufferFrames, period);
    });
  }

  test('no JACK server: a one-line failure, no number', async (t) => {
    if (!needTools(t, ['python3'])) return;
    const result = await bench(['--backend', 'jack', '--self-loop'], { ...process.env, JACK_DEFAULT_SERVER: `archibald-none-${process.pid}` });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /cannot connect to a JACK server/);
    assert.equal(result.stdout, '');
  });
});

describe('PipeWire null-sink loop', () => {
  for (const quantum of [32, 1024]) {
    test(`quantum ${quantum}`, async (t) => {
      if (!needTools(t, ['pipewire', 'wireplumber', 'pw-play', 'pw-record', 'pw-link', 'pw-metadata'])) return;
      const pw = await startPipewire({ quantum, minQuantum: 16, maxQuantum: 8192 });
      t.after(() => pw.stop());
      const result = await bench(['--backend', 'pipewire', '--self-loop', '--playback', pw.sinkName], pw.env);
      assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.stderr}`);
      const doc = JSON.parse(result.stdout) as Measurement;
      assert.equal(doc.backend, 'pipewire');
      assert.equal(doc.bufferFrames, quantum);
      assert.ok(doc.latencyFrames !== null && doc.confidence > 0.9, `confidence ${doc.confidence}`);
      // The sink's monitor is read one graph cycle after the player's port: exactly one quantum,
      // provided the player and recorder asked for it (pw-cat alone would run the graph at 4096).
      assert.ok(Math.abs(doc.latencyFrames - quantum) <= 0.05, `${doc.latencyFrames} frames at quantum ${quantum}`);
      t.diagnostic(`quantum ${quantum}: ${doc.latencyFrames} frames`);
    });
  }
});

/** jackd's dummy backend with monitor ports (-m): system:monitor_N carries what was played to system:playback_N. */
async function startJackWithMonitors(period: number): Promise<{ env: NodeJS.ProcessEnv; stop: () => Promise<unknown> }> {
  const { startProcess } = await import('../../../src/system/processes.js');
  const name = `archibald-rtl-test-${process.pid}-${period}`;
  const env: NodeJS.ProcessEnv = { ...process.env, JACK_DEFAULT_SERVER: name, JACK_NO_AUDIO_RESERVATION: '1' };
  const child = startProcess(['jackd', '-n', name, '-d', 'dummy', '-r', '48000', '-p', String(period), '-m'], { env });
  const stop = () => child.stop('SIGTERM', 3000);
  const deadline = Date.now() + 10_000;
  while (!(await run(['jack_lsp'], { timeoutMs: 2000, env })).ok) {
    if (Date.now() > deadline || !child.isRunning()) {
      await stop();
      throw new Error(`jackd did not start: ${child.output().stderr.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { env, stop };
}

describe('JACK driver loop and a dead loop, through named ports', () => {
  test('playback_1 -> the driver -> monitor_1 at period 64: one period, same as jack_iodelay', async (t) => {
    if (!needTools(t, ['jackd', 'jack_iodelay', 'jack_connect', 'jack_lsp', 'python3', 'stdbuf'])) return;
    const jack = await startJackWithMonitors(64);
    t.after(() => jack.stop());
    const result = await bench(['--playback', 'system:playback_1', '--capture', 'system:monitor_1', '--compare'], jack.env);
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.stderr}`);
    const doc = JSON.parse(result.stdout) as Measurement & { nominalFrames: number; ardour: unknown };
    assert.ok(doc.latencyFrames !== null && Math.abs(doc.latencyFrames - 64) <= 0.05, `${doc.latencyFrames}`);
    assert.ok(doc.compare?.latencyFrames != null && Math.abs(doc.latencyFrames - doc.compare.latencyFrames) <= 1);
    // The dummy driver reports more port latency than its monitor loop has: nothing for Ardour.
    assert.equal(doc.extraFrames, doc.latencyFrames - doc.nominalFrames);
    if ((doc.extraFrames ?? 0) < 0) assert.equal(doc.ardour, null);
  });

  test("the dummy's silent capture port: no trace, exit 1, no number", async (t) => {
    if (!needTools(t, ['jackd', 'jack_lsp', 'python3'])) return;
    const jack = await startJackWithMonitors(128);
    t.after(() => jack.stop());
    const result = await bench(['--playback', 'system:playback_1', '--capture', 'system:capture_1'], jack.env);
    assert.equal(result.exitCode, 1, result.stderr);
    const doc = JSON.parse(result.stdout) as Measurement;
    assert.equal(doc.latencyFrames, null);
    assert.ok(doc.confidence < 0.1);
  });
});
