import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../../src/system/write.js';
import { ArchibaldError } from '../../src/errors.js';

test('atomic writer: new file, replacement with backup, folders created on request', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-write-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'a', 'b', 'profile.json');
  await assert.rejects(writeFileAtomic(file, 'x'), ArchibaldError, 'no folders unless asked');
  await writeFileAtomic(file, 'one', { createDirs: true });
  await writeFileAtomic(file, 'two', { backup: true });
  assert.equal(await readFile(file, 'utf8'), 'two');
  assert.equal(await readFile(`${file}.bak`, 'utf8'), 'one');
  assert.deepEqual((await readdir(path.dirname(file))).sort(), ['profile.json', 'profile.json.bak'], 'no temp files left');
});

test('atomic writer: a crash before the rename leaves the old file whole', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-write-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  await writeFile(file, 'old');
  await assert.rejects(writeFileAtomic(file, 'new', { hooks: { beforeRename: () => { throw new Error('crash'); } } }));
  assert.equal(await readFile(file, 'utf8'), 'old');
  assert.deepEqual(await readdir(dir), ['f']);
});

test('atomic writer: kernel file systems are refused with one line, before any mkdir', async () => {
  await assert.rejects(writeFileAtomic('/proc/archibald/x.html', 'x', { createDirs: true }), (error: unknown) => {
    assert.ok(error instanceof ArchibaldError && error.exitCode === 2);
    assert.equal(error.message, 'cannot write /proc/archibald/x.html: /proc/archibald is a kernel file system, not a place for files');
    return true;
  });
});
