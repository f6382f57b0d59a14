/**
 * Disk refusals against whole fake machines (sysfs + procfs below a temporary root). `stat` is the
 * one thing faked: a fixture root cannot hold real device nodes for disks that are not there.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { filesAt } from '../../src/system/files.js';
import type { RunResult, System } from '../../src/system/index.js';
import { judgeDisk, parseLsblkMounts, parseMountinfo, parseProcMounts, parseStat, parseSwaps } from '../../src/installer/disk.js';
import { probeDisk } from '../../src/installer/probe.js';
import { tempDir } from './helpers.js';

// Captured from a real machine (a VM whose / is /dev/vda), with one extra partition mount.
const MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334460k,nr_inodes=3083615,mode=755
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
28 27 0:25 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime - tmpfs model_tools_unavailable ro,size=4k,mode=755
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime master:7 - cgroup2 cgroup2 rw
50 27 8:17 / /media/My\\040Disk rw,relatime shared:30 - vfat /dev/sdb1 rw
`;

test('mountinfo: fields, optional tags and octal escapes', () => {
  const parsed = parseMountinfo(MOUNTINFO);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value[2], { majmin: '254:0', mountPoint: '/', source: '/dev/vda' });
  assert.deepEqual(parsed.value[4], { majmin: '0:38', mountPoint: '/sys/fs/cgroup/unified', source: 'cgroup2' });
  assert.deepEqual(parsed.value[5], { majmin: '8:17', mountPoint: '/media/My Disk', source: '/dev/sdb1' });
  assert.equal(parseMountinfo('1 2 3').ok, false);
});

test('/proc/mounts, /proc/swaps, lsblk --json and stat output', () => {
  assert.deepEqual(parseProcMounts('/dev/sda2 / ext4 rw 0 0\nproc /proc proc rw 0 0\n'), {
    ok: true,
    value: [
      { source: '/dev/sda2', mountPoint: '/' },
      { source: 'proc', mountPoint: '/proc' },
    ],
  });
  assert.deepEqual(parseSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sdb2  partition\t8388604\t0\t-2\n'), { ok: true, value: ['/dev/sdb2'] });
  assert.deepEqual(parseSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n'), { ok: true, value: [] });
  const lsblk = JSON.stringify({
    blockdevices: [{ name: 'sdb', mountpoints: [null], children: [{ name: 'sdb1', mountpoints: ['/data', '/srv'] }, { name: 'sdb2', mountpoint: null }] }],
  });
  assert.deepEqual(parseLsblkMounts(lsblk), {
    ok: true,
    value: [
      { name: 'sdb1', mountPoint: '/data' },
      { name: 'sdb1', mountPoint: '/srv' },
    ],
  });
  assert.deepEqual(parseStat('block special file|8|10\n'), { ok: true, value: { kind: 'block', majmin: '8:16', type: 'block special file' } });
  assert.deepEqual(parseStat('regular file|0|0\n'), { ok: true, value: { kind: 'other', majmin: null, type: 'regular file' } });
});

test('property: the parsers return a typed error on any bytes, never throw', () => {
  const parsers = [parseMountinfo, parseProcMounts, parseSwaps, parseLsblkMounts, parseStat];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...parsers), (bytes, parse) => {
      const result = parse(Buffer.from(bytes).toString('latin1'));
      return result.ok === true || typeof result.error === 'string';
    }),
    { numRuns: 2000 },
  );
});

interface FakeDisk {
  name: string;
  majmin: string;
  sectors: number;
  model?: string;
  readOnly?: boolean;
  holders?: string[];
  partitions?: Array<{ name: string; majmin: string; holders?: string[] }>;
}

interface FakeMachine {
  disks: FakeDisk[];
  /** dm devices: name → slaves */
  mappers?: Record<string, { majmin: string; slaves: string[] }>;
  mountinfo?: string;
  procMounts?: string;
  swaps?: string;
  /** What `stat -L -c '%F|%t|%T'` prints per /dev path; missing = stat fails. */
  stat: Record<string, string>;
}

async function machine(t: TestContext, spec: FakeMachine): Promise<System> {
  const root = await tempDir(t, 'machine');
  const put = async (file: string, content: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  };
  const link = async (file: string, target: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await symlink(target, path.join(root, file));
  };
  for (const disk of spec.disks) {
    const dir = `/sys/class/block/${disk.name}`;
    await put(`${dir}/dev`, `${disk.majmin}\n`);
    await put(`${dir}/size`, `${disk.sectors}\n`);
    await put(`${dir}/ro`, disk.readOnly === true ? '1\n' : '0\n');
    if (disk.model !== undefined) await put(`${dir}/device/model`, `${disk.model}  \n`);
    await mkdir(path.join(root, dir, 'holders'), { recursive: true });
    for (const holder of disk.holders ?? []) await put(`${dir}/holders/${holder}`, '');
    await link(`/sys/dev/block/${disk.majmin}`, `../../devices/pci0000:00/block/${disk.name}`);
    await link(`/sys/devices/pci0000:00/block/${disk.name}`, dir);
    for (const part of disk.partitions ?? []) {
      await put(`${dir}/${part.name}/dev`, `${part.majmin}\n`);
      await put(`${dir}/${part.name}/partition`, '1\n');
      await mkdir(path.join(root, dir, part.name, 'holders'), { recursive: true });
      for (const holder of part.holders ?? []) await put(`${dir}/${part.name}/holders/${holder}`, '');
      await link(`/sys/class/block/${part.name}`, `${dir}/${part.name}`);
      await link(`/sys/dev/block/${part.majmin}`, `../../devices/pci0000:00/block/${disk.name}/${part.name}`);
      await put(`/dev/${part.name}`, '');
    }
    await put(`/dev/${disk.name}`, '');
  }
  for (const [name, mapper] of Object.entries(spec.mappers ?? {})) {
    await put(`/sys/class/block/${name}/dev`, `${mapper.majmin}\n`);
    for (const slave of mapper.slaves) await put(`/sys/class/block/${name}/slaves/${slave}`, '');
    await link(`/sys/dev/block/${mapper.majmin}`, `../../devices/virtual/block/${name}`);
  }
  await put('/proc/self/mountinfo', spec.mountinfo ?? '22 27 0:21 / /proc rw,relatime - proc proc rw\n27 1 0:40 / / rw - overlay overlay rw\n');
  await put('/proc/mounts', spec.procMounts ?? 'overlay / overlay rw 0 0\n');
  await put('/proc/swaps', spec.swaps ?? 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  await put('/dev/notes.txt', 'a regular file\n');
  const fail = (argv: readonly string[]): RunResult => ({
    ok: false, reason: 'nonzero', exitCode: 1, signal: null, stdout: '', stderr: '', durationMs: 0, message: `${argv[0]} exited with code 1`,
  });
  return {
    files: filesAt(root),
    canRun: true,
    which: async () => null,
    start: () => { throw new Error('no children here'); },
    run: async (argv) => {
      const out = argv[0] === 'stat' ? spec.stat[argv[argv.length - 1] as string] : undefined;
      return out === undefined ? fail(argv) : { ok: true, exitCode: 0, stdout: out, stderr: '', durationMs: 0, truncated: false };
    },
  };
}

const SDA: FakeDisk = {
  name: 'sda',
  majmin: '8:0',
  sectors: 976773168, // 500.1 GB
  model: 'Samsung SSD 870',
  partitions: [
    { name: 'sda1', majmin: '8:1' },
    { name: 'sda2', majmin: '8:2' },
  ],
};
const STAT = { '/dev/sda': 'block special file|8|0\n', '/dev/sda1': 'block special file|8|1\n', '/dev/notes.txt': 'regular file|0|0\n' };

async function verdict(t: TestContext, spec: FakeMachine, device: string): Promise<string> {
  const result = judgeDisk(await probeDisk(await machine(t, spec), device));
  return result.ok ? `ok: ${result.summary}` : result.message;
}

test('an idle whole disk is accepted and described with model and size', async (t) => {
  const system = await machine(t, { disks: [SDA], stat: STAT });
  const facts = await probeDisk(system, '/dev/sda');
  assert.equal(facts.model, 'Samsung SSD 870');
  assert.equal(facts.sizeBytes, 976773168 * 512);
  assert.deepEqual(facts.partitions.map((p) => [p.name, p.majmin]), [['sda1', '8:1'], ['sda2', '8:2']]);
  assert.deepEqual(judgeDisk(facts), { ok: true, summary: '/dev/sda (Samsung SSD 870, 500.1 GB (465.8 GiB))' });
});

const refusals: Array<[string, Partial<FakeMachine> & { disks?: FakeDisk[] }, string, string]> = [
  ['a path that does not exist', {}, '/dev/sdz', '/dev/sdz does not exist'],
  ['a regular file', {}, '/dev/notes.txt', '/dev/notes.txt is not a block device (it is a regular file)'],
  ['stat failing', { stat: {} }, '/dev/sda', 'cannot tell what /dev/sda is: stat exited with code 1'],
  ['a partition', {}, '/dev/sda1', '/dev/sda1 is a partition (sda1); give the whole disk'],
  [
    'the disk holding /',
    { mountinfo: '27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw\n' },
    '/dev/sda',
    '/dev/sda holds the running system (/ is on sda2)',
  ],
  [
    'the disk under an encrypted /',
    { mountinfo: '27 1 254:0 / / rw,relatime - ext4 /dev/mapper/root rw\n', mappers: { 'dm-0': { majmin: '254:0', slaves: ['sda2'] } } },
    '/dev/sda',
    '/dev/sda holds the running system (/ is on sda2)',
  ],
  [
    'a mounted partition (mountinfo)',
    { mountinfo: `27 1 0:40 / / rw - overlay overlay rw\n50 27 8:1 / /media/My\\040Disk rw - vfat /dev/sda1 rw\n` },
    '/dev/sda',
    '/dev/sda is in use: /dev/sda1 is mounted on /media/My Disk',
  ],
  ['a mounted partition (/proc/mounts)', { procMounts: 'overlay / overlay rw 0 0\n/dev/sda2 /srv ext4 rw 0 0\n' }, '/dev/sda', '/dev/sda is in use: /dev/sda2 is mounted on /srv'],
  ['an active swap partition', { swaps: 'Filename\tType\tSize\tUsed\tPriority\n/dev/sda2 partition 8388604 0 -2\n' }, '/dev/sda', '/dev/sda is in use: /dev/sda2 is active swap'],
  [
    'a partition under device-mapper',
    { disks: [{ ...SDA, partitions: [{ name: 'sda1', majmin: '8:1' }, { name: 'sda2', majmin: '8:2', holders: ['dm-1'] }] }] },
    '/dev/sda',
    '/dev/sda is in use: sda2 is held by dm-1 (device-mapper, LVM or RAID)',
  ],
  ['a read-only disk', { disks: [{ ...SDA, readOnly: true }] }, '/dev/sda', '/dev/sda is read-only'],
  ['a card reader without a card', { disks: [{ ...SDA, sectors: 0 }] }, '/dev/sda', '/dev/sda has no medium (size 0)'],
  [
    'a 4 GiB stick',
    { disks: [{ ...SDA, sectors: 8388608 }] },
    '/dev/sda',
    '/dev/sda is too small: 4.3 GB (4.0 GiB), ArchibaldOS needs at least 8.6 GB (8.0 GiB)',
  ],
];

for (const [what, change, device, expected] of refusals) {
  test(`refused: ${what}`, async (t) => {
    assert.equal(await verdict(t, { disks: [SDA], stat: STAT, ...change }, device), expected);
  });
}
