/**
 * `archibald tune` on a real PipeWire daemon with a null sink (test/helpers/daemons.ts), through
 * the CLI: idle and under a SCHED_FIFO stress-ng load it finds different safe quanta (the stressed
 * one larger); it restores the clock it found after success, SIGINT and SIGTERM at each phase, a
 * second Ctrl-C and a crashed child, read back each time with pw-metadata. Needs a build first.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { tuneReportSchema, type TuneReport } from '../../src/tune/contract.js';
import { run } from '../../src/system/run.js';
import { startPipewire, type PipewireDaemon } from '../helpers/daemons.js';
import { needTools } from '../helpers/tools.js';
import { cliArgv, REPO } from '../profile/cli.js';

const TOOLS = ['pipewire', 'wireplumber', 'pw-metadata', 'python3', 'stress-ng'];

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-tune-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function forceQuantum(env: NodeJS.ProcessEnv): Promise<number> {
  const result = await run(['pw-metadata', '-n', 'settings'], { timeoutMs: 5000, env });
  assert.ok(result.ok, result.ok ? '' : result.message);
  const match = /key:'clock\.force-quantum' value:'(\d+)'/.exec(result.stdout);
  return match === null ? 0 : Number(match[1]);
}

async function setForceQuantum(env: NodeJS.ProcessEnv, quantum: number): Promise<void> {
  assert.ok((await run(['pw-metadata', '-n', 'settings', '0', 'clock.force-quantum', String(quantum)], { timeoutMs: 5000, env })).ok);
}

interface Spawned {
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first progress line matching `accept`. */
  progress(accept: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function tune(t: TestContext, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const [command, ...prefix] = cliArgv() as [string, ...string[]];
  const child = spawn(command, [...prefix, 'tune', ...args], { cwd: REPO, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ accept: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      for (const waiter of [...waiters]) {
        if (waiter.accept(record)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(record);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    progress: (accept) =>
      Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ accept, resolve })),
        exited.then(({ code }) => {
          throw new Error(`tune exited (${code}) before the awaited progress line: ${stderr.slice(-500)}`);
        }),
      ]),
    kill: (signal) => child.kill(signal),
    exited,
  };
}

async function finished(t: TestContext, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; report: TuneReport; stderr: string }> {
  const child = tune(t, [...args, '--json'], env);
  const { code } = await child.exited;
  const parsed = tuneReportSchema.safeParse(JSON.parse(child.stdout() || 'null'));
  assert.ok(parsed.success, `tune --json must match its schema (exit ${code}): ${child.stderr()}`);
  const steps = parsed.data.steps.map((step) => `${step.quantum}: ${step.verdict} (${step.reason})`).join('; ');
  return { code, report: parsed.data, stderr: `${child.stderr()}verdict ${parsed.data.verdict}, restored ${parsed.data.restored}; ${steps}` };
}

/** Children of `parent` whose command line contains `needle` (the CLI's helpers). */
async function childPids(parent: number, needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (ppid === parent && cmdline.includes(needle)) found.push(Number(entry));
  }
  return found;
}

let daemon: PipewireDaemon | null = null;
async function pipewire(t: TestContext): Promise<PipewireDaemon> {
  daemon ??= await startPipewire({ quantum: 1024, minQuantum: 16, maxQuantum: 8192 });
  return daemon;
}
test.after(async () => {
  await daemon?.stop();
});

test('idle and under SCHED_FIFO stress: different safe quanta, the stressed one larger; the clock found is restored; --write, --out, saved result', async (t) => {
  if (!needTools(t, TOOLS)) return;
  const pw = await pipewire(t);
  const dir = await tempDir(t);
  const profile = path.join(dir, 'profile.json');
  await copyFile(path.join(REPO, 'profiles/default.json'), profile); // quantum 32, min 32, max 1024
  const env = { ...pw.env, ARCHIBALD_STATE_DIR: path.join(dir, 'state'), ARCHIBALD_ASSUME_NIXOS: '1' };

  assert.equal(await forceQuantum(env), 0);
  const idle = await finished(t, ['--from', '256', '--hold', '2', '--write', '--file', profile, '--out', path.join(dir, 'out')], env);
  assert.equal(idle.code, 0, idle.stderr);
  assert.equal(idle.report.verdict, 'found');
  assert.equal(idle.report.ownStream, true, 'tune plays its own silent stream');
  assert.equal(idle.report.restored, true);
  assert.equal(await forceQuantum(env), 0, 'the unforced clock is unforced again');
  const idleSafe = idle.report.safeQuantum!;
  for (const step of idle.report.steps) {
    assert.ok(step.cycles > 0, `quantum ${step.quantum} ran`);
    if (step.verdict === 'held') assert.equal(step.measuredQuantum, step.quantum, 'the graph really ran at the forced quantum');
  }
  // --write: the profile now says the safe quantum (and lowers minQuantum when the floor was above it).
  const written = JSON.parse(await readFile(profile, 'utf8')) as { pipewire: { quantum: number; minQuantum: number } };
  assert.equal(written.pipewire.quantum, idleSafe);
  assert.equal(written.pipewire.minQuantum, Math.min(32, idleSafe));
  assert.match(idle.report.written?.applyCommand ?? '', /archibald apply/);
  assert.ok(idle.report.latency !== null && idle.report.latency.quantum === idleSafe && idle.report.latency.modelMs > 0);
  const html = await readFile(path.join(dir, 'out', 'tune.html'), 'utf8');
  assert.match(html, /Xruns \(% of cycles\) per quantum/);
  assert.match(html, /DSP load per quantum/);
  assert.doesNotMatch(html, /<script src=/);
  assert.equal((await readdir(path.join(dir, 'state', 'results'))).filter((name) => name.startsWith('tune-')).length, 1);

  // A clock that was forced before is forced to the same value afterwards.
  await setForceQuantum(env, 2048);
  const stressed = await finished(t, ['--from', '2048', '--hold', '2', '--load', 'half', '--load-priority', '95'], env);
  assert.equal(await forceQuantum(env), 2048, 'the forced clock found is put back');
  await setForceQuantum(env, 0);
  assert.equal(stressed.report.restored, true);
  assert.equal(stressed.code, 0, stressed.stderr);
  const stressedSafe = stressed.report.safeQuantum!;
  t.diagnostic(`safe quantum idle ${idleSafe}, under SCHED_FIFO 95 stress ${stressedSafe}`);
  assert.ok(stressedSafe > idleSafe, `stressed ${stressedSafe} must be larger than idle ${idleSafe}`);
  assert.equal(stressed.report.steps.at(-1)?.verdict, 'missed', 'it stopped at the first step that missed');
  assert.ok(stressed.report.steps.at(-1)!.xruns > 0);

  // The saved result reaches `archibald report`.
  const [command, ...prefix] = cliArgv() as [string, ...string[]];
  const made = await run([command, ...prefix, 'report', '--out', path.join(dir, 'report.html'), '--markdown', path.join(dir, 'report.md')], { timeoutMs: 60_000, env, cwd: REPO });
  assert.ok(made.ok, made.ok ? '' : `${made.message}\n${made.stderr}`);
  assert.match(await readFile(path.join(dir, 'report.md'), 'utf8'), new RegExp(`\\*\\*tune\\*\\* .*safe quantum ${stressedSafe}, load half`));
  assert.match(await readFile(path.join(dir, 'report.html'), 'utf8'), /Tune: verdict/);
});

test('--dsp 50 adds a real-time client that burns half of every cycle', async (t) => {
  if (!needTools(t, TOOLS)) return;
  const pw = await pipewire(t);
  const dir = await tempDir(t);
  const env = { ...pw.env, ARCHIBALD_STATE_DIR: dir };
  const result = await finished(t, ['--from', '1024', '--to', '1024', '--hold', '2', '--dsp', '50'], env);
  assert.equal(result.code, 0, result.stderr);
  const load = result.report.steps[0]!.dspLoad;
  assert.ok(load.mean > 0.45 && load.mean < 0.7, `DSP load mean ${load.mean} with a 50 % client`);
  assert.equal(await forceQuantum(env), 0);
});

for (const [signal, phase] of [
  ['SIGINT', 'start-up'],
  ['SIGINT', 'hold'],
  ['SIGTERM', 'hold'],
  ['SIGINT', 'second step'],
  ['SIGTERM', 'second step'],
] as const) {
  test(`${signal} during ${phase}: the clock is restored`, async (t) => {
    if (!needTools(t, TOOLS)) return;
    const pw = await pipewire(t);
    const dir = await tempDir(t);
    const env = { ...pw.env, ARCHIBALD_STATE_DIR: dir };
    await setForceQuantum(env, phase === 'start-up' ? 0 : 512);
    const original = await forceQuantum(env);
    // Large quanta hold even on a busy machine, so the second step always comes.
    const child = tune(t, ['--from', '2048', '--to', '1024', '--hold', '3', '--json', '--progress', 'ndjson'], env);
    if (phase === 'start-up') await new Promise((resolve) => setTimeout(resolve, 900));
    else await child.progress((p) => p.step === (phase === 'hold' ? 1 : 2) && (p.stepElapsedS as number) >= 1);
    child.kill(signal);
    const { code } = await child.exited;
    assert.equal(code, 1, `interrupted runs exit 1 (${child.stderr()})`);
    const report = tuneReportSchema.parse(JSON.parse(child.stdout()));
    assert.equal(report.verdict, 'interrupted');
    assert.equal(report.restored, true);
    assert.equal(await forceQuantum(env), original, `clock.force-quantum is ${original} again`);
    await setForceQuantum(env, 0);
  });
}

test('a second Ctrl-C exits at once, still restoring the clock', async (t) => {
  if (!needTools(t, TOOLS)) return;
  const pw = await pipewire(t);
  const env = { ...pw.env, ARCHIBALD_STATE_DIR: await tempDir(t) };
  const child = tune(t, ['--from', '2048', '--hold', '5', '--progress', 'ndjson'], env);
  await child.progress((p) => (p.stepElapsedS as number) >= 1);
  assert.equal(await forceQuantum(env), 2048, 'the clock is forced while tuning');
  const sent = Date.now();
  child.kill('SIGINT');
  // Back to back signals can merge into one (standard signals are not queued); a few ms apart the
  // second lands while the first is still shutting down, unless that shutdown already finished.
  await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill('SIGINT');
  const { code } = await child.exited;
  assert.ok(code === 130 || code === 1, `exit ${code}: 130 when the second signal cut the shutdown short, 1 when it came after`);
  assert.ok(Date.now() - sent < 4000, 'stops promptly');
  t.diagnostic(`second Ctrl-C: exit ${code}`);
  assert.equal(await forceQuantum(env), 0);
});

test('a child that crashes ends the run with one line and the clock restored', async (t) => {
  if (!needTools(t, TOOLS)) return;
  const pw = await pipewire(t);
  const env = { ...pw.env, ARCHIBALD_STATE_DIR: await tempDir(t) };
  const child = tune(t, ['--from', '2048', '--hold', '5', '--progress', 'ndjson'], env);
  await child.progress((p) => (p.stepElapsedS as number) >= 1);
  const [client] = await childPids(child.pid, 'pw_stream_new_simple');
  assert.ok(client !== undefined, 'the silent stream client runs');
  process.kill(client, 'SIGKILL');
  const { code } = await child.exited;
  assert.equal(code, 1);
  assert.match(child.stderr(), /archibald: the DSP client .* exited during the run \(SIGKILL\); the clock was restored\n/);
  assert.equal(await forceQuantum(env), 0);
});

test('bad usage and nothing to tune: exit 2 with one line', async (t) => {
  const dir = await tempDir(t);
  const none = { ...process.env, XDG_RUNTIME_DIR: dir, PIPEWIRE_RUNTIME_DIR: dir, ARCHIBALD_STATE_DIR: dir };
  for (const [args, message] of [
    [['--from', '33'], /^archibald: --from must be a power of two in 16\.\.8192 \(got 33\)\n$/],
    [['--from', '32', '--to', '64'], /^archibald: --from 32 is below --to 64/],
    [['--load', 'full', '--load-priority', '90'], /^archibald: --load full with --load-priority would starve/],
    [['--dsp', '120'], /^archibald: --dsp must be a number in 0\.\.95/],
    [['--hold', '1'], /^archibald: no PipeWire to tune: /],
  ] as const) {
    const child = tune(t, [...args], none);
    const { code } = await child.exited;
    assert.equal(code, 2, `${args.join(' ')}: ${child.stderr()}`);
    assert.match(child.stderr(), message);
    assert.equal(child.stdout(), '');
  }
});
