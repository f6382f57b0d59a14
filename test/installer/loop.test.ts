/**
 * A real block device: a loop device over a sparse file. Checks what the disk probe reads from a
 * live kernel, the exact dry-run plan, the refusals that need a healthy disk to reach, a whole
 * (fake-tool) install run, and that a mounted loop device is refused. Skipped, with the reason,
 * where the machine gives no loop devices.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTool, isRoot, needCondition, needTools } from '../helpers/tools.js';
import { hostSystem } from '../../src/system/index.js';
import { judgeDisk } from '../../src/installer/disk.js';
import { validateAnswers } from '../../src/installer/answers.js';
import { planHeadless } from '../../src/installer/plan.js';
import { probeDisk } from '../../src/installer/probe.js';
import { REPO, REV, fakeTools, runCli } from './helpers.js';

const SIZE = 10 * 1024 ** 3;
const SOURCE_FLAG = `github:archibaldos/archibaldos@${REV}`;

function loopDevicesUsable(): { ok: boolean; reason: string } {
  if (!isRoot()) return { ok: false, reason: 'loop devices need root' };
  if (findTool('losetup') === null) return { ok: false, reason: 'losetup is not installed' };
  const free = spawnSync('losetup', ['--find'], { encoding: 'utf8' });
  if (free.status !== 0) return { ok: false, reason: `this machine gives no loop devices (${free.stderr.trim() || 'losetup --find failed'})` };
  return { ok: true, reason: '' };
}

interface Loop {
  device: string;
  image: string;
  dir: string;
  /** Mount points to unmount before the device is detached and the directory removed. */
  mounts: string[];
}

async function attachLoop(t: TestContext): Promise<Loop | null> {
  const usable = loopDevicesUsable();
  if (!needCondition(t, usable.ok, usable.reason)) return null;
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-loop-'));
  const loop: Loop = { device: '', image: path.join(dir, 'disk.img'), dir, mounts: [] };
  // One hook, in the only safe order: unmount, detach, then delete the image.
  t.after(async () => {
    for (const mountPoint of loop.mounts) spawnSync('umount', [mountPoint]);
    if (loop.device !== '') spawnSync('losetup', ['--detach', loop.device]);
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(loop.image, '');
  await truncate(loop.image, SIZE); // sparse: costs no space
  const attached = spawnSync('losetup', ['--find', '--show', loop.image], { encoding: 'utf8' });
  if (!needCondition(t, attached.status === 0, `losetup could not attach a loop device: ${attached.stderr.trim()}`)) return null;
  loop.device = attached.stdout.trim();
  return loop;
}

test('a loop device is a block device with the size and backing file the kernel reports', async (t) => {
  const loop = await attachLoop(t);
  if (loop === null) return;
  const facts = await probeDisk(hostSystem(), loop.device);
  assert.equal(facts.kind, 'block');
  assert.equal(facts.disk?.name, path.basename(loop.device));
  assert.equal(facts.sizeBytes, SIZE);
  assert.equal(facts.model, `loop device on ${loop.image}`);
  assert.deepEqual(judgeDisk(facts), { ok: true, summary: `${loop.device} (loop device on ${loop.image}, 10.7 GB (10.0 GiB))` });
});

test('install --dry-run --json on a real disk prints exactly the plan', async (t) => {
  const loop = await attachLoop(t);
  if (loop === null) return;
  const args = ['install', '--disk', loop.device, '--hostname', 'lab-7', '--user', 'bob', '--timezone', 'Europe/Paris', '--keyboard', 'fr'];
  const result = runCli([...args, '--firmware', 'efi', '--source', SOURCE_FLAG, '--state-version', '25.11', '--dry-run', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const answers = validateAnswers({
    version: 1, hostname: 'lab-7', username: 'bob', locale: 'en_US.UTF-8', timezone: 'Europe/Paris',
    keyboard: { layout: 'fr', variant: '', consoleKeymap: null }, luks: false, firmware: 'efi', bootDevice: null, profile: 'default',
  });
  assert.ok(answers.ok);
  const expected = planHeadless({
    answers: answers.value,
    source: { url: 'github:archibaldos/archibaldos', rev: REV },
    profileText: await readFile(path.join(REPO, 'profiles/default.json'), 'utf8'),
    stateVersion: '25.11',
    disk: loop.device,
    mountPoint: '/mnt',
    workDir: '/tmp/archibald-install',
    luksPasswordFile: null,
    setPassword: false,
  });
  assert.deepEqual(JSON.parse(result.stdout), { plan: JSON.parse(JSON.stringify(expected)) });
  // --dry-run touched nothing: the disk is still all zeros at the start.
  const head = execFileSync('head', ['-c', '1048576', loop.device]);
  assert.ok(head.every((byte) => byte === 0));
});

test('refusals that a healthy disk reaches: bad options, no terminal and no --yes, --luks without a passphrase file', async (t) => {
  const loop = await attachLoop(t);
  if (loop === null) return;
  const base = ['install', '--disk', loop.device, '--source', SOURCE_FLAG, '--state-version', '25.11', '--firmware', 'efi'];
  const cases: Array<[string[], string]> = [
    [['--hostname', 'my.studio', '--dry-run'], 'archibald: install options: hostname: hostname must be 1-63 letters, digits and inner "-" (RFC 1123), got "my.studio"\n'],
    [['--user', 'Bob', '--dry-run'], 'archibald: install options: username: username must start with a-z or "_" and hold up to 32 of a-z 0-9 _ - (got "Bob")\n'],
    [['--profile', 'nope', '--dry-run'], `archibald: profile "nope" does not exist (${path.join(REPO, 'profiles/nope.json')})\n`],
    [['--firmware', 'uefi', '--dry-run'], 'archibald: --firmware must be efi or bios (got "uefi")\n'],
    [['--luks'], 'archibald: --luks needs --luks-passphrase-file FILE (disko reads the passphrase from it while formatting)\n'],
    [
      [],
      `archibald: refusing to erase ${loop.device} (loop device on ${loop.image}, 10.7 GB (10.0 GiB)) without confirmation: no terminal to ask on\n  pass --yes to confirm in advance\n`,
    ],
  ];
  for (const [extra, stderr] of cases) {
    const result = runCli([...base, ...extra]);
    assert.deepEqual({ code: result.code, stdout: result.stdout, stderr: result.stderr }, { code: 2, stdout: '', stderr }, extra.join(' '));
  }
});

test('a whole install run with --yes: disko, hardware scan, tree, nixos-install, password (fake tools)', async (t) => {
  const loop = await attachLoop(t);
  if (loop === null) return;
  const mnt = path.join(loop.dir, 'mnt');
  const work = path.join(loop.dir, 'work');
  const passwordFile = path.join(loop.dir, 'password');
  await writeFile(passwordFile, 's3cret!\n');
  const stdinCopy = path.join(loop.dir, 'chpasswd-stdin');
  const fake = await fakeTools(t, {
    disko: `test -f "$6" && mkdir -p "$5"`,
    'nixos-generate-config': `printf '{ lib, ... }: { nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux"; }\\n'`,
    'nixos-install': 'test -f "$(echo "$2" | cut -d"#" -f1)/flake.nix"',
    'nixos-enter': `cat > ${JSON.stringify(stdinCopy)}`,
  });
  const result = runCli(
    ['install', '--disk', loop.device, '--user', 'bob', '--password-file', passwordFile, '--source', SOURCE_FLAG, '--state-version', '25.11',
      '--firmware', 'efi', '--mount-point', mnt, '--work-dir', work, '--yes'],
    { env: fake.env },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await fake.calls(), [
    ['disko', '--mode', 'destroy,format,mount', '--yes-wipe-all-disks', '--root-mountpoint', mnt, path.join(work, 'disko.nix')],
    ['nixos-generate-config', '--show-hardware-config', '--no-filesystems', '--root', mnt],
    ['nixos-install', '--flake', `${mnt}/etc/nixos#archibaldos`, '--no-root-passwd', '--root', mnt],
    ['nixos-enter', '--root', mnt, '--', 'chpasswd'],
  ]);
  assert.equal(await readFile(stdinCopy, 'utf8'), 'bob:s3cret!\n');
  assert.deepEqual((await readdir(path.join(mnt, 'etc/nixos'))).sort(), ['configuration.nix', 'disko.nix', 'flake.nix', 'hardware-configuration.nix', 'profile.json']);
  assert.equal(await readFile(path.join(mnt, 'etc/nixos/disko.nix'), 'utf8'), await readFile(path.join(work, 'disko.nix'), 'utf8'));
  assert.match(await readFile(path.join(work, 'disko.nix'), 'utf8'), new RegExp(`device = "${loop.device}";`));
  assert.equal(result.stdout, `ArchibaldOS is installed on ${loop.device}. Its flake is ${mnt}/etc/nixos#archibaldos.\n`);
  assert.ok(!result.stderr.includes('s3cret'), 'the password is never printed');
});

test('on a terminal, install names the disk with model and size and needs "yes"', async (t) => {
  if (!needTools(t, ['script'])) return;
  const loop = await attachLoop(t);
  if (loop === null) return;
  const fake = await fakeTools(t, {
    disko: 'mkdir -p "$5"',
    'nixos-generate-config': `printf '{ lib, ... }: { nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux"; }\\n'`,
    'nixos-install': 'exit 0',
  });
  const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;
  const argv = [process.execPath, path.join(REPO, 'bin/archibald.js'), 'install', '--disk', loop.device, '--source', SOURCE_FLAG,
    '--state-version', '25.11', '--firmware', 'efi', '--mount-point', path.join(loop.dir, 'mnt'), '--work-dir', path.join(loop.dir, 'work')];
  // script(1) gives the command a pseudo-terminal, so the prompt path is the one a person sees.
  const answered = spawnSync('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], {
    encoding: 'utf8',
    input: 'no\n',
    env: { ...process.env, ...fake.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  assert.equal(answered.status, 2, answered.stdout);
  assert.ok(answered.stdout.includes(`This ERASES everything on ${loop.device} (loop device on ${loop.image}, 10.7 GB (10.0 GiB)).`), answered.stdout);
  assert.ok(answered.stdout.includes('Type "yes" to install ArchibaldOS on it:'), answered.stdout);
  assert.ok(answered.stdout.includes(`archibald: not confirmed: ${loop.device} was left untouched`), answered.stdout);
  assert.deepEqual(await fake.calls(), [], 'disko never ran');

  const confirmed = spawnSync('script', ['-qec', argv.map(quote).join(' '), '/dev/null'], {
    encoding: 'utf8',
    input: 'yes\n',
    env: { ...process.env, ...fake.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  assert.equal(confirmed.status, 0, confirmed.stdout);
  assert.deepEqual((await fake.calls()).map((call) => call[0]), ['disko', 'nixos-generate-config', 'nixos-install']);
});

test('a mounted loop device is refused', async (t) => {
  if (!needTools(t, ['mkfs.ext4', 'mount', 'umount'])) return;
  const loop = await attachLoop(t);
  if (loop === null) return;
  execFileSync('mkfs.ext4', ['-q', '-F', loop.device]);
  const mountPoint = path.join(loop.dir, 'mounted');
  await mkdir(mountPoint);
  const mounted = spawnSync('mount', [loop.device, mountPoint], { encoding: 'utf8' });
  if (!needCondition(t, mounted.status === 0, `cannot mount here: ${mounted.stderr.trim()}`)) return;
  loop.mounts.push(mountPoint);
  const result = runCli(['install', '--disk', loop.device, '--source', SOURCE_FLAG, '--state-version', '25.11', '--dry-run']);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, `archibald: ${loop.device} is in use: ${loop.device} is mounted on ${mountPoint}\n`);
});
