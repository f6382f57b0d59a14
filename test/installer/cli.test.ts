/** `archibald install` refusals on this very machine: exit 2, one line, nothing touched. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, existsSync } from 'node:fs';
import path from 'node:path';
import { findTool, isRoot, needCondition } from '../helpers/tools.js';
import { REV, runCli } from './helpers.js';

const PIN = ['--source', `github:archibaldos/archibaldos@${REV}`, '--state-version', '25.11'];

const refusals: Array<[string, string[], string]> = [
  ['no disk given', ['install', '--dry-run'], 'archibald: install needs --disk /dev/XXX (the whole disk to erase)\n'],
  ['a path that does not exist', ['install', '--disk', '/dev/archibald-no-such-disk', ...PIN], 'archibald: /dev/archibald-no-such-disk does not exist\n'],
  ['a regular file', ['install', '--disk', '/etc/hostname', ...PIN, '--dry-run'], 'archibald: /etc/hostname is not a block device (it is a regular file)\n'],
  ['a character device', ['install', '--disk', '/dev/null', ...PIN, '--dry-run'], 'archibald: /dev/null is not a block device (it is a character special file)\n'],
  ['a directory', ['install', '--disk', '/dev', ...PIN, '--dry-run'], 'archibald: /dev is not a block device (it is a directory)\n'],
];

for (const [what, args, stderr] of refusals) {
  test(`install refuses ${what}`, () => {
    const result = runCli(args);
    assert.deepEqual({ code: result.code, stdout: result.stdout, stderr: result.stderr }, { code: 2, stdout: '', stderr });
  });
}

/** The whole disk under / on this machine, if / is on a block device at all (not in a container overlay). */
function runningSystemDisk(): string | null {
  const root = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[4] === '/')
    .at(-1);
  const majmin = root?.[2];
  if (majmin === undefined || majmin.startsWith('0:')) return null;
  try {
    const sysfs = path.resolve('/sys/dev/block', readlinkSync(`/sys/dev/block/${majmin}`));
    const disk = existsSync(path.join(sysfs, 'partition')) ? path.basename(path.dirname(sysfs)) : path.basename(sysfs);
    return existsSync(`/dev/${disk}`) ? `/dev/${disk}` : null;
  } catch {
    return null;
  }
}

test('install refuses the disk that holds the running system', (t) => {
  const disk = runningSystemDisk();
  if (!needCondition(t, disk !== null, '/ is not on a block device here (container overlay)')) return;
  const result = runCli(['install', '--disk', disk as string, ...PIN, '--dry-run']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`^archibald: ${disk} holds the running system \\(/ is on [a-z0-9-]+\\)\\n$`));
});

test('install refuses to run without root', (t) => {
  if (!needCondition(t, isRoot() && findTool('setpriv') !== null, 'needs root and setpriv to drop to an unprivileged user')) return;
  const result = runCli(['install', '--disk', '/dev/null', ...PIN], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  assert.deepEqual(
    { code: result.code, stderr: result.stderr },
    { code: 2, stderr: 'archibald: install must run as root: it partitions disks and runs nixos-install\n  run it with sudo\n' },
  );
});

test('install --help lists the headless options and the finalize subcommand', () => {
  const result = runCli(['install', '--help']);
  assert.equal(result.code, 0);
  for (const flag of ['--disk', '--luks', '--hostname', '--user', '--profile', '--dry-run', '--yes', '--json', 'finalize']) assert.ok(result.stdout.includes(flag), flag);
});
