import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { run } from '../../src/system/run.js';
import { startProcess } from '../../src/system/processes.js';

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
