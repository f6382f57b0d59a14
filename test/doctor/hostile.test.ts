/** Hostile machines: garbage, loops, huge files, FIFOs, denied reads, a crashing check. None may crash the doctor. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile, unlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { doctorReport } from '../../src/doctor/command.js';
import { doctorReportSchema } from '../../src/doctor/schema.js';
import { judgeAll } from '../../src/doctor/run.js';
import { CHECKS } from '../../src/doctor/checks/index.js';
import type { Files, System } from '../../src/system/index.js';
import type { CheckDefinition } from '../../src/doctor/types.js';
import { contextFor, factsOf, gatherFrom, rootOf } from './support.js';

async function hostileCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-doctor-hostile-'));
  execFileSync('cp', ['-a', `${rootOf('hostile')}/.`, dir]);
  // Made at test time, never committed: a 300 MB sparse /proc/interrupts and /boot config, FIFOs
  // where files should be (open() on a FIFO would block forever), a directory as /proc/cmdline.
  await writeFile(path.join(dir, 'proc/interrupts'), '');
  await truncate(path.join(dir, 'proc/interrupts'), 300 << 20);
  await mkdir(path.join(dir, 'boot'), { recursive: true });
  // The committed osrelease is a symlink loop (usb-autosuspend still meets one); here it names a kernel
  // so that the 300 MB /boot/config-* gets opened.
  await unlink(path.join(dir, 'proc/sys/kernel/osrelease'));
  await writeFile(path.join(dir, 'proc/sys/kernel/osrelease'), '6.1.0-hostile\n');
  await writeFile(path.join(dir, 'boot/config-6.1.0-hostile'), '');
  await truncate(path.join(dir, 'boot/config-6.1.0-hostile'), 300 << 20);
  await unlink(path.join(dir, 'proc/config.gz'));
  execFileSync('mkfifo', [path.join(dir, 'proc/config.gz'), path.join(dir, 'proc/sys/kernel/nmi_watchdog.fifo')]);
  await mkdir(path.join(dir, 'proc/sys/fs/inotify'), { recursive: true });
  execFileSync('mkfifo', [path.join(dir, 'proc/sys/fs/inotify/max_user_watches')]);
  await unlink(path.join(dir, 'proc/cmdline'));
  await mkdir(path.join(dir, 'proc/cmdline'));
  return dir;
}

test('the hostile machine (with huge sparse files and FIFOs) gives a valid report of skips and warnings', async (t) => {
  const dir = await hostileCopy();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const started = performance.now();
  const { report } = await doctorReport({ root: dir });
  assert.ok(performance.now() - started < 5000, 'bounded reads: 300 MB files are not read whole');
  const valid = doctorReportSchema.safeParse(report);
  assert.ok(valid.success, JSON.stringify(valid.error?.issues));
  assert.equal(report.counts.fail, 0);
  const byId = new Map(report.checks.map((check) => [check.id, check]));
  assert.match(byId.get('irq-sharing')?.summary ?? '', /larger than expected/);
  assert.equal(byId.get('kernel-config')?.status, 'warn');
  assert.match(byId.get('kernel-config')?.evidence.join(' ') ?? '', /not a regular file.*larger than expected/);
  assert.match(byId.get('threadirqs')?.summary ?? '', /not a regular file/);
  assert.match(byId.get('inotify-watches')?.summary ?? '', /not a regular file/);
  assert.match(byId.get('usb-autosuspend')?.summary ?? '', /symbolic links/);
  assert.equal(byId.get('profile')?.status, 'warn');
  for (const check of report.checks) {
    assert.ok(check.status === 'skip' || check.status === 'warn' || check.status === 'pass', `${check.id}: ${check.status}`);
    assert.doesNotMatch(`${check.summary} ${check.evidence.join(' ')}`, /[\u0000-\u0008\u000e-\u001f\ufffd]/, `${check.id} leaks raw bytes into the report`);
  }
});

test('the CLI on the hostile machine: one JSON document on stdout, nothing on stderr, exit 0', async (t) => {
  const dir = await hostileCopy();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stdout = execFileSync(process.execPath, ['bin/archibald.js', 'doctor', '--root', dir, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.ok(doctorReportSchema.safeParse(JSON.parse(stdout)).success);
});

/** Files that refuse everything, as a non-root user meets /proc/<pid> of others or a 0600 config. */
const deniedFiles: Files = {
  root: '/denied',
  isHost: false,
  readFile: async (file) => ({ ok: false, problem: 'denied', message: `${file}: permission denied` }),
  readBytes: async (file) => ({ ok: false, problem: 'denied', message: `${file}: permission denied` }),
  stat: async (file) => ({ ok: false, problem: 'denied', message: `${file}: permission denied` }),
  readDir: async (dir) => ({ ok: false, problem: 'denied', message: `${dir}: permission denied` }),
  exists: async () => false,
  readLink: async (file) => ({ ok: false, problem: 'denied', message: `${file}: permission denied` }),
  resolve: async (file) => ({ ok: false, problem: 'denied', message: `${file}: permission denied` }),
};

test('permission denied everywhere: every check skips or warns with the reason', async () => {
  const system: System = { files: deniedFiles, canRun: false, run: async () => { throw new Error('no commands here'); }, which: async () => null, start: () => { throw new Error('no children here'); } };
  const facts = await gatherFrom(system);
  const results = judgeAll(CHECKS, facts, contextFor(facts));
  assert.equal(results.length, CHECKS.length);
  for (const result of results) {
    assert.ok(result.status === 'skip' || result.status === 'warn', `${result.id}: ${result.status} ${result.summary}`);
  }
  assert.ok(results.filter((result) => /permission denied/.test(result.summary)).length >= 20, 'the reason reaches the report');
});

test('a check that throws becomes a skip row naming the error, and the others still run', async () => {
  const broken: CheckDefinition = { id: 'broken', title: 'Broken', group: 'Kernel', needs: [], judge: () => { throw new TypeError('boom'); } };
  const facts = await factsOf('stock');
  const results = judgeAll([broken, ...CHECKS.slice(0, 2)], facts, contextFor(facts));
  assert.equal(results[0]?.status, 'skip');
  assert.match(results[0]?.summary ?? '', /internal error in this check: boom/);
  assert.equal(results.length, 3);
});
