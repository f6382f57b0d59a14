import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/system/run.js';
import { startProcess } from '../../src/system/processes.js';
import { isAlive as alive } from '../../src/system/write.js';
import { needTools } from '../helpers/tools.js';
import { rawRequest } from './support.js';

const bin = path.resolve('bin/archibald.js');
const consoleCli = (args: string[]) => run([process.execPath, bin, 'console', '--no-open', ...args], { timeoutMs: 15_000 });

test('console refuses a non-loopback --host without --allow-remote (exit 2, one line and a hint)', async () => {
  const result = await consoleCli(['--host', '0.0.0.0', '--port', '0']);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /^archibald: --host 0\.0\.0\.0 would expose the console/);
  assert.match(result.stderr, /ssh -L 7373:127\.0\.0\.1:7373/);
  assert.equal(result.stdout, '', 'no address was printed');
});

test('console: bad --port and bad --host are usage errors', async () => {
  for (const args of [['--port', '70000'], ['--port', 'http'], ['--host', 'a b'], ['--host', '127.0.0.1;id']]) {
    const result = await consoleCli(args);
    assert.equal(result.exitCode, 2, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('console: a port in use is exit 2 with a hint, not a stack trace', async (t) => {
  const blocker = createServer();
  const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
  t.after(() => blocker.close());
  const result = await consoleCli(['--port', String(port)]);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, new RegExp(`^archibald: port ${port} on 127\\.0\\.0\\.1 is already in use\\n  pass --port N`));
});

test('console with --allow-remote on a non-loopback address warns loudly and still needs the token', async (t) => {
  const child = startProcess([process.execPath, bin, 'console', '--no-open', '--host', '0.0.0.0', '--allow-remote', '--port', '0']);
  t.after(() => child.stop('SIGKILL'));
  const deadline = Date.now() + 10_000;
  while (!/token=/.test(child.output().stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(child.output().stderr, /WARNING: the console listens on 0\.0\.0\.0:\d+, reachable from other machines over plain HTTP/);
  const port = /:(\d+)\/\?token=/.exec(child.output().stdout)?.[1];
  assert.ok(port !== undefined, child.output().stdout);
  const response = await fetch(`http://127.0.0.1:${port}/api/info`);
  assert.equal(response.status, 401);
  assert.deepEqual(await child.stop('SIGINT', 5000), { code: 0, signal: null });
});

/** pids of every process below `root` (walking /proc ppid links). */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the last ')' (comm may contain spaces): state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of parents) if (ppid === parent) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}


test('Ctrl-C during a benchmark stops the console and every process it started', async (t) => {
  if (!needTools(t, ['cyclictest'])) return;
  const state = await mkdtemp(path.join(tmpdir(), 'archibald-console-sigint-'));
  t.after(() => rm(state, { recursive: true, force: true }));
  const child = startProcess([process.execPath, bin, 'console', '--no-open', '--port', '0'], { env: { ...process.env, ARCHIBALD_STATE_DIR: state } });
  t.after(() => child.stop('SIGKILL'));
  const deadline = Date.now() + 10_000;
  while (!/token=/.test(child.output().stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const match = /:(\d+)\/\?token=([\w-]+)/.exec(child.output().stdout);
  assert.ok(match !== null, child.output().stderr);
  const port = Number(match[1]);
  const exchange = await rawRequest(port, `/?token=${match[2]}`);
  const cookie = String(exchange.headers['set-cookie']).split(';')[0] as string;
  const started = await rawRequest(port, '/api/bench', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'rt', durationS: 120 }) });
  assert.equal(started.status, 202, started.body);
  // Wait until cyclictest itself runs below the console.
  let tree: number[] = [];
  let sawCyclictest = false;
  for (let i = 0; i < 100 && !sawCyclictest; i++) {
    tree = await descendants(child.pid);
    const names = await Promise.all(tree.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')));
    sawCyclictest = names.some((name) => name.trim() === 'cyclictest');
    if (!sawCyclictest) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(sawCyclictest, `cyclictest runs below the console (${tree.join(', ')})`);
  assert.deepEqual(await child.stop('SIGINT', 8000), { code: 0, signal: null });
  for (let i = 0; i < 30 && tree.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(tree.filter(alive), [], 'no process the console started outlives it');
});
