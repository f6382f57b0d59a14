/**
 * bench xruns against real daemons started here: PipeWire at quantum 16 under a stress-ng load that
 * really produces xruns, PipeWire at quantum 1024 without load through the CLI (JSON, HTML,
 * saved result, idle graph, Ctrl-C), jackd's dummy backend, and no process left behind.
 * The CLI tests need a build first (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { startGraphMonitor, type GraphSample } from '../../../src/bench/xruns/monitor.js';
import { startProcess, type ManagedProcess } from '../../../src/system/processes.js';
import { run } from '../../../src/system/run.js';
import { startJack, startPipewire } from '../../helpers/daemons.js';
import { artifactsDir, renderOffline } from '../../helpers/browser.js';
import { findTool, needTools } from '../../helpers/tools.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function tempDir(t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** 30 s of quiet white noise: something for the graph to play so its driver runs. */
async function noiseFile(dir: string): Promise<string> {
  const file = path.join(dir, 'noise.wav');
  const made = await run(['sox', '-n', '-r', '48000', '-c', '2', '-b', '16', file, 'synth', '30', 'whitenoise', 'vol', '0.05'], { timeoutMs: 20_000 });
  assert.ok(made.ok, made.ok ? '' : made.message);
  return file;
}

function play(t: TestContext, env: NodeJS.ProcessEnv, sink: string, file: string, quantum: number): ManagedProcess {
  const child = startProcess(['pw-play', `--latency=${quantum}`, '--target', sink, file], { env });
  t.after(() => child.stop());
  return child;
}

async function waitForRunningGraph(latest: () => GraphSample | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (latest()?.running === true) return;
    await sleep(100);
  }
  throw new Error('the graph driver never ran (pw-play did not start?)');
}

const cli = (args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000) =>
  run([process.execPath, 'bin/archibald.js', 'bench', 'xruns', ...args], { timeoutMs, env });

test('PipeWire at quantum 16 under an RT-priority stress-ng load: xruns are counted with their times', async (t) => {
  if (!needTools(t, ['pipewire', 'wireplumber', 'pw-play', 'sox', 'stress-ng'])) return;
  const dir = await tempDir(t, 'archibald-xruns-');
  const file = await noiseFile(dir);
  const pw = await startPipewire({ quantum: 16, minQuantum: 16 });
  t.after(() => pw.stop());
  const player = play(t, pw.env, pw.sinkName, file, 16);

  const monitor = await startGraphMonitor({ backend: 'pipewire', env: pw.env, intervalMs: 500 });
  t.after(() => monitor.stop());
  assert.deepEqual(monitor.helperPids(), [], 'PipeWire is watched over its socket, no helper process');
  const seen: GraphSample[] = [];
  const reader = (async () => {
    for await (const sample of monitor.samples) seen.push(sample);
  })();
  await waitForRunningGraph(monitor.latest, 8000);

  // PipeWire's data thread runs at SCHED_FIFO 88; a load at normal priority barely disturbs it.
  // Bursts at FIFO 95 on both cores (70 % duty) starve it the way a runaway RT thread would.
  const stress = startProcess(['stress-ng', '--cpu', '2', '--cpu-load', '70', '--sched', 'fifo', '--sched-prio', '95', '--timeout', '10']);
  t.after(() => stress.stop());
  const started = Date.now();
  await sleep(4000);
  await stress.stop();
  const elapsedS = (Date.now() - started) / 1000;
  const totals = monitor.totals();
  await monitor.stop();
  await reader;

  assert.equal(totals.quantum, 16);
  assert.equal(totals.rate, 48000);
  assert.equal(totals.driver, pw.sinkName);
  assert.ok(totals.cycles > 1000, `cycles ${totals.cycles}`);
  assert.ok(totals.xruns > 0, `no xruns in ${totals.cycles} cycles under load`);
  assert.equal(totals.xrunTimesS.length, totals.xruns);
  assert.ok(totals.xrunTimesS.every((s) => s >= 0 && s <= elapsedS + 10), 'xrun times lie within the run');
  assert.ok(totals.lateNodes.some((n) => n.name === 'pw-play'), 'the late node is named');
  assert.ok(seen.length >= 6, `samples ${seen.length}`);
  assert.ok(seen.at(-1)!.xrunsTotal <= totals.xruns && seen.some((s) => (s.xruns ?? 0) > 0));
  assert.ok(seen.every((s) => s.quantum === 16 || !s.running));
  t.diagnostic(`quantum 16 under load: ${totals.xruns} xruns in ${totals.cycles} cycles (${((100 * totals.xruns) / totals.cycles).toFixed(2)} %)`);

  await player.stop();
  await pw.stop();
  for (const pid of [stress.pid, player.pid, ...pw.pids]) assert.equal(isAlive(pid), false, `process ${pid} is still running`);
});

test('PipeWire at quantum 1024 without load, through the CLI: ~0 xruns, JSON, HTML, saved result, idle graph, Ctrl-C', async (t) => {
  if (!needTools(t, ['pipewire', 'wireplumber', 'pw-play', 'sox'])) return;
  assert.ok(existsSync('dist/cli.js'), 'build first: npm run build');
  const dir = await tempDir(t, 'archibald-xruns-cli-');
  const file = await noiseFile(dir);
  const pw = await startPipewire({ quantum: 1024, minQuantum: 16 });
  t.after(() => pw.stop());
  const env = { ...pw.env, ARCHIBALD_STATE_DIR: path.join(dir, 'state') };

  // Nothing plays yet: PipeWire runs no cycles, and that is no claim at all (exit 1, no-data).
  const idle = await cli(['--duration', '1', '--json'], env);
  assert.equal(idle.ok, false);
  assert.equal(idle.exitCode, 1);
  const idleDoc = JSON.parse(idle.stdout) as { verdict: string; cycles: number; xrunPercent: number | null };
  assert.deepEqual([idleDoc.verdict, idleDoc.cycles, idleDoc.xrunPercent], ['no-data', 0, null]);

  const player = play(t, pw.env, pw.sinkName, file, 1024);
  const warm = await startGraphMonitor({ backend: 'pipewire', env: pw.env, intervalMs: 200 });
  await waitForRunningGraph(warm.latest, 8000);
  await warm.stop();

  const out = path.join(dir, 'out');
  const result = await cli(['--duration', '3', '--json', '--out', out], env);
  assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.stderr}`);
  assert.equal(result.stderr, '', '--json keeps stderr quiet without a TTY');
  const doc = JSON.parse(result.stdout) as Record<string, unknown>;
  for (const key of ['durationS', 'cycles', 'xruns', 'xrunPercent', 'xrunTimesS', 'rate', 'quantum', 'maxDspLoad', 'monitorCpuPercent', 'timeline', 'verdict']) {
    assert.ok(key in doc, `JSON lacks ${key}`);
  }
  assert.equal(doc.backend, 'pipewire');
  assert.equal(doc.quantum, 1024);
  assert.equal(doc.rate, 48000);
  assert.equal(doc.verdict, 'pass');
  assert.equal(doc.interrupted, false);
  const expected = ((doc.durationS as number) * 48000) / 1024;
  assert.ok(Math.abs((doc.cycles as number) - expected) <= expected * 0.15 + 3, `cycles ${String(doc.cycles)}, expected ~${expected.toFixed(0)}`);
  assert.ok((doc.xruns as number) <= 1, `xruns ${String(doc.xruns)} at quantum 1024 without load`);
  assert.ok(typeof doc.monitorCpuPercent === 'number' && doc.monitorCpuPercent >= 0);
  assert.equal((doc.monitorCpu as { steadySelfPercent: number | null }).steadySelfPercent, null, 'no steady-state figure from a 3 s run');
  assert.ok((doc.timeline as unknown[]).length >= 2);

  const html = await readFile(path.join(out, 'bench-xruns.html'), 'utf8');
  assert.match(html, /Xrun timeline/);
  assert.match(html, /DSP load of the driver/);
  assert.doesNotMatch(html, /<script src=/, 'self-contained');
  if (findTool('chromium') !== null) {
    const rendered = await renderOffline(path.join(out, 'bench-xruns.html'), path.join(artifactsDir('bench-xruns'), 'bench-xruns.png'));
    assert.deepEqual(rendered.blocked, [], 'the page fetched nothing from the network');
    assert.equal(rendered.charts, 3, 'xrun timeline, DSP load and monitor CPU');
    assert.equal(rendered.ready, '3');
    assert.match(rendered.text, /Xrun rate/);
  }
  const saved = await readdir(path.join(dir, 'state', 'results'));
  assert.equal(saved.filter((name) => name.startsWith('bench-xruns-')).length, 1, 'only the finished run with data is saved');

  // Ctrl-C after the first progress line: what was measured is reported, promptly.
  const child = spawn(process.execPath, ['bin/archibald.js', 'bench', 'xruns', '--duration', '60', '--json', '--progress', 'ndjson'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const firstLine = new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('\n')) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await firstLine;
  const progress = JSON.parse(stderr.split('\n')[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(progress).sort(), ['durationS', 'elapsedS', 'xruns']);
  const interruptedAt = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  assert.ok(Date.now() - interruptedAt < 5000, 'stops promptly');
  assert.equal(code, 0);
  const interrupted = JSON.parse(stdout) as { interrupted: boolean; durationS: number; cycles: number };
  assert.equal(interrupted.interrupted, true);
  assert.ok(interrupted.durationS < 10 && interrupted.cycles > 0);

  await player.stop();
  await pw.stop();
  for (const pid of [player.pid, ...pw.pids]) assert.equal(isAlive(pid), false, `process ${pid} is still running`);
});

test('nothing to watch (no PipeWire, no jackd) or bad usage: exit 2 with one line', async (t) => {
  const dir = await tempDir(t, 'archibald-xruns-none-');
  const result = await cli(['--duration', '1'], { ...process.env, XDG_RUNTIME_DIR: dir, PIPEWIRE_RUNTIME_DIR: dir, ARCHIBALD_STATE_DIR: dir });
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /^archibald: no PipeWire daemon listens on .*pipewire-0\n/);
  if (findTool('python3') !== null) {
    const noJack = await cli(['--backend', 'jack', '--duration', '1'], { ...process.env, JACK_DEFAULT_SERVER: `archibald-absent-${process.pid}` });
    assert.equal(noJack.exitCode, 2);
    assert.match(noJack.stderr, /^archibald: JACK: cannot connect to the JACK server/);
  }
  const bad = await cli(['--duration', 'soon'], process.env);
  assert.equal(bad.exitCode, 2);
  assert.equal(bad.stderr.split('\n')[0], 'archibald: --duration must be a number');
});

test('jackd (dummy backend, period 64): cycles from the frame clock, xrun callback watcher, no helper left', async (t) => {
  if (!needTools(t, ['jackd', 'python3'])) return;
  const jack = await startJack({ period: 64 });
  t.after(() => jack.stop());
  const monitor = await startGraphMonitor({ backend: 'jack', env: jack.env, intervalMs: 500 });
  t.after(() => monitor.stop());
  const [helper] = monitor.helperPids();
  assert.ok(helper !== undefined && isAlive(helper));
  const started = Date.now();
  await sleep(3000);
  const elapsedS = (Date.now() - started) / 1000;
  const totals = monitor.totals();
  const latest = monitor.latest();
  await monitor.stop();
  assert.equal(totals.rate, 48000);
  assert.equal(totals.quantum, 64);
  const expected = (elapsedS * 48000) / 64;
  assert.ok(totals.cycles > expected * 0.7 && totals.cycles < expected * 1.3, `cycles ${totals.cycles}, expected ~${expected.toFixed(0)}`);
  assert.equal(totals.xrunTimesS.length, totals.xruns);
  assert.ok(latest !== null && latest.driver === 'jackd' && latest.dspLoad >= 0);
  assert.equal(isAlive(helper), false, 'the JACK watcher is gone after stop()');
  t.diagnostic(`jackd dummy period 64: ${totals.xruns} xruns in ${totals.cycles} cycles`);
});
