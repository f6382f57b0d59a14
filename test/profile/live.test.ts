/**
 * `archibald apply --live` against a real PipeWire daemon (with WirePlumber and a playing
 * stream, so the graph actually runs): the settings are read back with pw-metadata, and the
 * running cycle is measured with pw-profiler, whose fourth column is the driver's period in µs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess } from '../../src/system/processes.js';
import { run } from '../../src/system/run.js';
import { startPipewire } from '../helpers/daemons.js';
import { needTools } from '../helpers/tools.js';
import { archibald, REPO } from './cli.js';

/** The driver's period in µs over the last cycles pw-profiler saw (null when the graph is idle). */
async function runningPeriodUs(env: NodeJS.ProcessEnv, dir: string): Promise<number | null> {
  const log = path.join(dir, 'profiler.log');
  await rm(log, { force: true });
  await run(['timeout', '-s', 'INT', '1', 'pw-profiler', '-o', log], { timeoutMs: 5000, env, cwd: dir });
  const lines = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter((line) => /^\d/.test(line));
  const last = lines.at(-1);
  if (last === undefined) return null;
  return Number(last.split('\t')[3]);
}

test('apply --live sets quantum and rate on the running PipeWire and reads them back', async (t) => {
  if (!needTools(t, ['pipewire', 'wireplumber', 'pw-metadata', 'pw-profiler', 'pw-cat', 'sox'])) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-live-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pw = await startPipewire({ quantum: 256, minQuantum: 16, maxQuantum: 8192 });
  t.after(() => pw.stop());
  const wav = path.join(dir, 'silence.wav');
  assert.ok((await run(['sox', '-n', '-r', '48000', '-c', '2', wav, 'trim', '0', '60'], { timeoutMs: 10_000 })).ok);
  const player = startProcess(['pw-cat', '--playback', '--target', pw.sinkName, wav], { env: pw.env });
  t.after(() => player.stop().then(() => undefined));

  let before: number | null = null;
  for (let i = 0; i < 10 && before === null; i++) before = await runningPeriodUs(pw.env, dir);
  assert.ok(before !== null && before > 1000, `the graph should run at a large quantum first (period ${before} µs)`);

  const profile = path.join(REPO, 'profiles/live.json'); // 48000 Hz, quantum 16, min 16, max 256
  const result = await archibald(['apply', '--live', '--json', '--file', profile], { env: { ...pw.env, ARCHIBALD_ASSUME_NIXOS: '0' } });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { live: { settings: Record<string, string>; mismatches: string[] } };
  assert.deepEqual(report.live.mismatches, []);
  assert.equal(report.live.settings['clock.force-quantum'], '16');
  assert.equal(report.live.settings['clock.force-rate'], '48000');

  // Read back independently of archibald, then watch the graph itself change its cycle.
  const metadata = await run(['pw-metadata', '-n', 'settings'], { timeoutMs: 5000, env: pw.env });
  assert.match(metadata.stdout, /key:'clock\.force-quantum' value:'16'/);
  let after: number | null = null;
  for (let i = 0; i < 10 && (after === null || after > 400); i++) after = await runningPeriodUs(pw.env, dir);
  assert.equal(after, 333, `16 frames at 48 kHz is a 333 µs cycle (was ${before} µs)`);
});

test('apply --live without PipeWire fails with one line and exit 1', async (t) => {
  if (!needTools(t, ['pw-metadata'])) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-live-none-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const result = await archibald(['apply', '--live', '--file', path.join(REPO, 'profiles/live.json')], {
    env: { XDG_RUNTIME_DIR: dir, PIPEWIRE_RUNTIME_DIR: dir, ARCHIBALD_ASSUME_NIXOS: '0' },
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^archibald: pw-metadata -n settings 0 clock\.min-quantum 16 failed: .*\n {2}is PipeWire running for this user\? \(systemctl --user status pipewire\)\n$/);
});

test('apply --live fails when PipeWire reports other values than it was given', async (t) => {
  const { chmod, mkdir, writeFile } = await import('node:fs/promises');
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-live-fake-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'bin'));
  // A daemon that accepts every set and keeps its old clock (what an unknown key would look like).
  const fake = `#!/bin/sh
if [ "$#" -gt 2 ]; then echo "set property: id:0 key:$4 value:$5 type:(null)"; exit 0; fi
echo 'Found "settings" metadata 29'
echo "update: id:0 key:'clock.min-quantum' value:'16' type:''"
echo "update: id:0 key:'clock.max-quantum' value:'256' type:''"
echo "update: id:0 key:'clock.force-rate' value:'0' type:''"
echo "update: id:0 key:'clock.force-quantum' value:'0' type:''"
`;
  await writeFile(path.join(dir, 'bin/pw-metadata'), fake);
  await chmod(path.join(dir, 'bin/pw-metadata'), 0o755);
  const result = await archibald(['apply', '--live', '--file', path.join(REPO, 'profiles/live.json')], {
    env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}`, ARCHIBALD_ASSUME_NIXOS: '0' },
  });
  assert.deepEqual(
    [result.code, result.stderr],
    [1, 'archibald: PipeWire did not take the live settings: clock.force-rate: set 48000, PipeWire reports 0; clock.force-quantum: set 16, PipeWire reports 0\n'],
  );
});
