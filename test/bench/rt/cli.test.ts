/**
 * End to end with the real cyclictest and stress-ng: `node bin/archibald.js bench rt …` (needs
 * `npm run build` first, or ARCHIBALD_TEST_FROM_SOURCE=1). Each CLI run gets a unique marker in its
 * environment, and its children their own sessions, so /proc tells exactly which cyclictest and
 * stress-ng processes are ours, during the run and after it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRtReportSchema } from '../../../src/bench/rt/schema.js';
import { needTools } from '../../helpers/tools.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/archibald.js');
const MARKER_KEY = 'ARCHIBALD_BENCH_RT_TEST_MARKER';

interface CliRun {
  child: ChildProcess;
  marker: string;
  /** Sessions of the bench's children, collected while looking for them. */
  sessions: Set<number>;
  stateDir: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number; endedAt: number }>;
}

/** The built CLI, or (ARCHIBALD_TEST_FROM_SOURCE=1, as in test/profile) the same entry point through tsx. */
async function cliArgv(): Promise<string[]> {
  if (process.env.ARCHIBALD_TEST_FROM_SOURCE === '1') return ['--import', 'tsx', path.join(REPO, 'src/cli.ts')];
  // A build elsewhere in the tree may be replacing dist/ right now.
  const deadline = Date.now() + 60_000;
  while (!existsSync(path.join(REPO, 'dist/cli.js'))) {
    if (Date.now() > deadline) throw new Error('dist/cli.js is missing: run npm run build');
    await sleep(250);
  }
  return [BIN];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startCli(t: TestContext, args: string[]): Promise<CliRun> {
  const argv = await cliArgv();
  const marker = randomUUID();
  const sessions = new Set<number>();
  const stateDir = await mkdtemp(path.join(tmpdir(), 'archibald-rt-state-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...argv, 'bench', 'rt', ...args], {
    cwd: REPO,
    env: { ...process.env, [MARKER_KEY]: marker, ARCHIBALD_STATE_DIR: stateDir, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number; endedAt: number }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, endedAt: performance.now() }));
  });
  t.after(async () => {
    // Whatever happened in the test, nothing of ours survives it.
    for (const proc of await markedProcesses(marker, sessions)) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    child.kill('SIGKILL');
    await rm(stateDir, { recursive: true, force: true });
  });
  return { child, marker, sessions, stateDir, done };
}

interface Proc {
  pid: number;
  comm: string;
  /** Session id: startProcess() puts each child in its own session, which its workers share. */
  sid: number;
}

async function liveProcesses(): Promise<Array<Proc & { environ: string[] }>> {
  const found: Array<Proc & { environ: string[] }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const environ = (await readFile(`/proc/${entry}/environ`, 'latin1')).split('\0');
      found.push({ pid: Number(entry), comm: (await readFile(`/proc/${entry}/comm`, 'latin1')).trim(), sid: Number(fields[3]), environ });
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/**
 * Our processes: those whose environment carries the marker, plus every process in their sessions
 * (stress-ng's workers overwrite their environment when they retitle themselves).
 */
async function markedProcesses(marker: string, knownSessions: Set<number> = new Set()): Promise<Proc[]> {
  const all = await liveProcesses();
  for (const proc of all) if (proc.environ.includes(`${MARKER_KEY}=${marker}`) && proc.sid === proc.pid) knownSessions.add(proc.sid);
  return all.filter((proc) => proc.environ.includes(`${MARKER_KEY}=${marker}`) || knownSessions.has(proc.sid)).map(({ pid, comm, sid }) => ({ pid, comm, sid }));
}

const benchChildren = (procs: Array<{ comm: string }>): string[] =>
  procs.map((proc) => proc.comm).filter((comm) => comm.startsWith('cyclictest') || comm.startsWith('stress-ng')).sort();

async function waitForChildren(run: CliRun, wanted: string[], timeoutMs: number): Promise<Proc[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const procs = await markedProcesses(run.marker, run.sessions);
    const names = benchChildren(procs);
    if (wanted.every((name) => names.some((comm) => comm.startsWith(name)))) return procs;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${wanted.join(', ')}; saw ${names.join(', ') || 'nothing'}`);
    await sleep(50);
  }
}

test('a short run: JSON per the contract, ndjson progress on stderr, --out HTML + JSON, result saved', { timeout: 30_000 }, async (t) => {
  if (!needTools(t, ['cyclictest'])) return;
  const out = await mkdtemp(path.join(tmpdir(), 'archibald-rt-out-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  const run = await startCli(t, ['--duration', '3', '--target-max-us', '1000000', '--json', '--progress', 'ndjson', '--out', out]);
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  const valid = benchRtReportSchema.safeParse(report);
  assert.ok(valid.success, JSON.stringify(valid.error?.issues));
  assert.equal(report.tool, 'cyclictest');
  assert.equal(report.verdict, 'pass');
  assert.equal(report.targetMaxUs, 1000000);
  assert.equal(report.interrupted, false);
  assert.equal(report.threads.length, availableParallelism(), 'one thread per CPU');
  // 3 s at a 200 µs interval is at most ~15000 wake-ups per CPU. Long stalls on a busy shared VM
  // lose wake-ups (seen: a third of them), but more than 3000 still rules out a 1 ms interval.
  for (const thread of report.threads) {
    assert.ok(thread.samples > 3000 && thread.samples <= 15_100, `CPU ${thread.cpu}: ${thread.samples} samples`);
    assert.ok(thread.minUs <= thread.p99Us && thread.p99Us <= thread.p999Us && (thread.p999Overflow || thread.p999Us <= thread.maxUs));
  }
  assert.equal(report.samples, report.threads.reduce((sum: number, thread: { samples: number }) => sum + thread.samples, 0));
  assert.equal(report.overall.maxUs, Math.max(...report.threads.map((thread: { maxUs: number }) => thread.maxUs)));
  assert.deepEqual(report.cyclictest.argv.slice(0, 3), ['cyclictest', '-m', '-p']);

  const progress = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  assert.ok(progress.length >= 1, `no progress lines in ${JSON.stringify(result.stderr)}`);
  for (const line of progress) {
    assert.deepEqual(Object.keys(line).sort(), ['durationS', 'elapsedS', 'maxUs']);
    assert.equal(line.durationS, 3);
  }
  const liveMaxima = progress.map((line) => line.maxUs).filter((maxUs): maxUs is number => typeof maxUs === 'number');
  assert.ok(liveMaxima.length > 0, `the running max arrives while cyclictest runs: ${result.stderr}`);
  assert.ok(liveMaxima.every((maxUs, i) => maxUs <= report.overall.maxUs && (i === 0 || maxUs >= liveMaxima[i - 1]!)), 'a running maximum only grows, up to the final one');

  const saved = JSON.parse(await readFile(path.join(out, 'bench-rt.json'), 'utf8'));
  assert.deepEqual(saved, report);
  const html = await readFile(path.join(out, 'bench-rt.html'), 'utf8');
  assert.match(html, /uPlot/);
  const spec = JSON.parse(/<figure class="chart" data-chart[^>]*><script type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');
  assert.equal(spec.logY, true);
  assert.equal(spec.series.length, report.threads.length);
  const results = await readdir(path.join(run.stateDir, 'results'));
  assert.equal(results.filter((name) => name.startsWith('bench-rt-')).length, 1);
  assert.deepEqual(benchChildren(await markedProcesses(run.marker, run.sessions)), []);
});

test('under --load full with an unreachable target: exit 1, a human table, stress-ng ran and is gone', { timeout: 30_000 }, async (t) => {
  if (!needTools(t, ['cyclictest', 'stress-ng'])) return;
  const run = await startCli(t, ['--duration', '2', '--load', 'full', '--target-max-us', '1']);
  const during = await waitForChildren(run, ['stress-ng', 'cyclictest'], 5000);
  assert.ok(benchChildren(during).filter((name) => name.startsWith('stress-ng')).length >= 2, 'stress-ng and its workers');
  const result = await run.done;
  assert.equal(result.code, 1, result.stderr);
  // A stress-ng left running would keep the CLI waiting for its own --timeout (a minute past the run).
  assert.ok(result.seconds < 20, `took ${result.seconds} s: something kept it waiting`);
  assert.match(result.stdout, /100 % CPU load/);
  assert.match(result.stdout, /│ all\s+│/);
  assert.match(result.stdout, /FAIL: max \d+ µs > target 1 µs/);
  // Issue 13 item 5: without a final newline the shell prompt joins the last line.
  assert.ok(result.stdout.endsWith('\n'), `text output ends with a newline: ${JSON.stringify(result.stdout.slice(-40))}`);
  assert.deepEqual(benchChildren(await markedProcesses(run.marker, run.sessions)), []);
});

test('SIGINT after ~1.5 s under --load half: stops cleanly, still reports, leaves no process behind', { timeout: 30_000 }, async (t) => {
  if (!needTools(t, ['cyclictest', 'stress-ng'])) return;
  const run = await startCli(t, ['--duration', '5', '--load', 'half', '--json', '--target-max-us', '1000000']);
  await waitForChildren(run, ['stress-ng', 'cyclictest'], 5000);
  await sleep(1000);
  const interruptedAt = performance.now();
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 0, `verdict pass even though interrupted: ${result.stderr}`);
  const afterSignalS = (result.endedAt - interruptedAt) / 1000;
  assert.ok(afterSignalS < 2.5, `ended ${afterSignalS} s after SIGINT: it did not stop on the signal`);
  const report = JSON.parse(result.stdout);
  assert.ok(benchRtReportSchema.safeParse(report).success);
  assert.equal(report.interrupted, true);
  assert.equal(report.stoppedBy, 'signal');
  assert.equal(report.load, 'half');
  assert.ok(report.samples > 1000, `${report.samples} samples`);
  assert.ok(report.elapsedS < 4, `elapsed ${report.elapsedS}`);
  assert.deepEqual(benchChildren(await markedProcesses(run.marker, run.sessions)), []);
  assert.equal(existsSync(path.join(run.stateDir, 'results')), false, 'an interrupted run is not saved as the latest result');
});

test('watchdog: a cyclictest that never finishes (SIGSTOPped) is killed after duration + margin, with stress-ng', { timeout: 40_000 }, async (t) => {
  if (!needTools(t, ['cyclictest', 'stress-ng'])) return;
  const run = await startCli(t, ['--duration', '2', '--load', 'half', '--json']);
  const procs = await waitForChildren(run, ['stress-ng', 'cyclictest'], 5000);
  const cyclictest = procs.find((proc) => proc.comm.startsWith('cyclictest'));
  assert.ok(cyclictest !== undefined);
  const stoppedAt = performance.now();
  process.kill(cyclictest.pid, 'SIGSTOP');
  const result = await run.done;
  // The watchdog fires 2 s (duration) + 5 s (margin) after cyclictest started, then gives SIGINT
  // 3 s before SIGKILL; a stress-ng left behind would add its one-minute backstop.
  const afterStopS = (result.endedAt - stoppedAt) / 1000;
  assert.ok(afterStopS > 8 && afterStopS < 14, `ended ${afterStopS} s after SIGSTOP`);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', 'no half-made document on stdout');
  assert.match(result.stderr, /^archibald: cyclictest did not finish within its duration plus the watchdog margin/m);
  assert.deepEqual(benchChildren(await markedProcesses(run.marker, run.sessions)), []);
});

test('bad usage is exit 2 with one line and starts nothing', { timeout: 30_000 }, async (t) => {
  for (const args of [['--duration', '0'], ['--load', 'most'], ['--priority', '100'], ['--progress', 'xml'], ['--interval-us', 'fast']]) {
    const run = await startCli(t, args);
    const result = await run.done;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^archibald: .+\n$/);
  }
});

test('at a terminal: a progress bar with elapsed time and the running max on stderr, then the table', { timeout: 30_000 }, async (t) => {
  if (!needTools(t, ['cyclictest', 'script'])) return;
  const argv = await cliArgv();
  const stateDir = await mkdtemp(path.join(tmpdir(), 'archibald-rt-state-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCHIBALD_STATE_DIR: stateDir };
  delete env.CI; // the bar is for people, so CI turns it off
  // script(1) gives the CLI a pseudo-terminal; its -c takes one shell command line.
  const command = [process.execPath, ...argv, 'bench', 'rt', '--duration', '2', '--target-max-us', '1'].map((word) => `'${word}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: REPO, env, encoding: 'utf8', timeout: 25_000 });
  assert.equal(result.status, 1, result.stdout);
  const screen = result.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  assert.match(screen, /cyclictest \[[^\]]*\] [0-2]\/2 s \| max (\d+|-) µs \(target 1\)/);
  assert.match(screen, /cyclictest \[[^\]]*\] [0-2]\/2 s \| max \d+ µs/, 'the running max reached the bar');
  assert.match(screen, /│ all\s+│/);
  // The pty turns "\n" into "\r\n"; the last thing on the screen must be a line end, or the prompt joins it.
  assert.ok(screen.endsWith('\r\n'), `the screen ends with a line end: ${JSON.stringify(screen.slice(-40))}`);
});
