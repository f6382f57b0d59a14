import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filesAt } from '../../src/system/files.js';

async function fixture(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'archibald-files-'));
  await mkdir(path.join(root, 'sys/devices/card0'), { recursive: true });
  await mkdir(path.join(root, 'sys/class/sound'), { recursive: true });
  await writeFile(path.join(root, 'sys/devices/card0/id'), 'USB\n');
  // An absolute link, as sysfs has them: it must resolve inside the root, never on the host.
  await symlink('/sys/devices/card0', path.join(root, 'sys/class/sound/card0'));
  await symlink('loop-b', path.join(root, 'loop-a'));
  await symlink('loop-a', path.join(root, 'loop-b'));
  await writeFile(path.join(root, 'big'), Buffer.alloc(3 << 20, 0x41));
  await symlink('/etc/hostname', path.join(root, 'host-link'));
  return root;
}

test('rooted files follow absolute symlinks inside the root', async (t) => {
  const root = await fixture();
  t.after(() => rm(root, { recursive: true, force: true }));
  const files = filesAt(root);
  const result = await files.readFile('/sys/class/sound/card0/id');
  assert.deepEqual(result.ok && result.text, 'USB\n');
  const outside = await files.readFile('/host-link');
  assert.equal(outside.ok, false, 'a link to /etc/hostname must not read the host file');
});

test('rooted files report loops, directories, missing files and bound large files', async (t) => {
  const root = await fixture();
  t.after(() => rm(root, { recursive: true, force: true }));
  const files = filesAt(root);
  const loop = await files.readFile('/loop-a');
  assert.equal(loop.ok ? 'ok' : loop.problem, 'loop');
  const dir = await files.readFile('/sys/devices');
  assert.equal(dir.ok ? 'ok' : dir.problem, 'not-a-file');
  const missing = await files.readFile('/proc/cmdline');
  assert.equal(missing.ok ? 'ok' : missing.problem, 'missing');
  const big = await files.readFile('/big', { maxBytes: 1024 });
  assert.ok(big.ok && big.truncated && big.bytes === 1024);
  const notDir = await files.readDir('/big');
  assert.equal(notDir.ok ? 'ok' : notDir.problem, 'not-a-directory');
});

test('a FIFO where a file should be is refused instead of blocking', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'archibald-fifo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const { execFileSync } = await import('node:child_process');
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  const result = await filesAt(root).readFile('/pipe');
  assert.equal(result.ok ? 'ok' : result.problem, 'not-a-file');
});
