/**
 * Adapter: collects the facts about a disk that judgeDisk() decides on, through src/system only
 * (sysfs and procfs below the System's root, `stat` and `lsblk` through its runner), so tests can
 * hand in a fixture machine.
 */
import path from 'node:path';
import type { System } from '../system/index.js';
import {
  parseLsblkMounts,
  parseMountinfo,
  parseProcMounts,
  parseStat,
  parseSwaps,
  type BlockNode,
  type DiskFacts,
  type MountEntry,
} from './disk.js';

const TIMEOUT_MS = 5000;

async function readText(system: System, file: string): Promise<string | null> {
  const result = await system.files.readFile(file, { maxBytes: 1 << 20 });
  return result.ok ? result.text : null;
}

async function readList(system: System, dir: string): Promise<string[]> {
  const result = await system.files.readDir(dir);
  return result.ok ? result.entries : [];
}

async function nameOf(system: System, majmin: string): Promise<string | null> {
  const link = await system.files.readLink(`/sys/dev/block/${majmin}`);
  return link.ok ? path.posix.basename(link.target) : null;
}

async function node(system: System, name: string, majmin?: string): Promise<BlockNode> {
  const dev = majmin ?? (await readText(system, `/sys/class/block/${name}/dev`))?.trim() ?? '';
  return { name, majmin: dev, holders: await readList(system, `/sys/class/block/${name}/holders`) };
}

/** Every block device `/` sits on, following device-mapper and md slaves down to the partitions. */
async function rootStack(system: System, mounts: MountEntry[]): Promise<string[]> {
  const root = mounts.filter((m) => m.mountPoint === '/').at(-1);
  if (root === undefined || root.majmin.startsWith('0:')) return [];
  const first = await nameOf(system, root.majmin);
  if (first === null) return [];
  const seen = new Set<string>();
  const pending = [first];
  while (pending.length > 0 && seen.size < 64) {
    const name = pending.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...(await readList(system, `/sys/class/block/${name}/slaves`)));
  }
  return [...seen];
}

async function modelOf(system: System, name: string): Promise<string | null> {
  const model = (await readText(system, `/sys/class/block/${name}/device/model`))?.trim();
  if (model !== undefined && model !== '') return model;
  const backing = (await readText(system, `/sys/class/block/${name}/loop/backing_file`))?.trim();
  if (backing !== undefined && backing !== '') return `loop device on ${backing}`;
  return null;
}

export async function probeDisk(system: System, devicePath: string): Promise<DiskFacts> {
  const facts: DiskFacts = {
    path: devicePath,
    exists: await system.files.exists(devicePath),
    kind: null,
    typeDescription: 'unknown',
    disk: null,
    isPartition: false,
    partitions: [],
    sizeBytes: null,
    model: null,
    readOnly: false,
    mounts: [],
    procMounts: [],
    swaps: [],
    lsblkMounts: [],
    rootStack: [],
    problems: [],
  };
  if (!facts.exists) return facts;

  const stat = await system.run(['stat', '-L', '-c', '%F|%t|%T', devicePath], { timeoutMs: TIMEOUT_MS });
  if (!stat.ok) {
    facts.problems.push(stat.message);
    return facts;
  }
  const kind = parseStat(stat.stdout);
  if (!kind.ok) {
    facts.problems.push(kind.error);
    return facts;
  }
  facts.kind = kind.value.kind;
  facts.typeDescription = kind.value.type;
  if (kind.value.majmin === null) return facts;

  const name = await nameOf(system, kind.value.majmin);
  if (name === null) return facts;
  facts.disk = await node(system, name, kind.value.majmin);
  facts.isPartition = await system.files.exists(`/sys/class/block/${name}/partition`);
  const sectors = Number((await readText(system, `/sys/class/block/${name}/size`))?.trim());
  // sysfs counts 512-byte sectors whatever the device's logical block size.
  facts.sizeBytes = Number.isFinite(sectors) ? sectors * 512 : null;
  facts.readOnly = (await readText(system, `/sys/class/block/${name}/ro`))?.trim() === '1';
  facts.model = await modelOf(system, name);
  for (const entry of await readList(system, `/sys/class/block/${name}`)) {
    if (entry.startsWith(name) && (await system.files.exists(`/sys/class/block/${name}/${entry}/partition`))) {
      facts.partitions.push(await node(system, entry));
    }
  }

  const mountinfo = await readText(system, '/proc/self/mountinfo');
  if (mountinfo !== null) {
    const parsed = parseMountinfo(mountinfo);
    if (parsed.ok) facts.mounts = parsed.value;
    else facts.problems.push(parsed.error);
  }
  const procMounts = await readText(system, '/proc/mounts');
  if (procMounts !== null) {
    const parsed = parseProcMounts(procMounts);
    if (parsed.ok) facts.procMounts = parsed.value;
    else facts.problems.push(parsed.error);
  }
  const swaps = await readText(system, '/proc/swaps');
  if (swaps !== null) {
    const parsed = parseSwaps(swaps);
    if (parsed.ok) facts.swaps = parsed.value;
    else facts.problems.push(parsed.error);
  }
  facts.rootStack = await rootStack(system, facts.mounts);

  if (system.canRun && (await system.which('lsblk')) !== null) {
    const lsblk = await system.run(['lsblk', '--json', '--output', 'NAME,MOUNTPOINT', devicePath], { timeoutMs: TIMEOUT_MS });
    if (lsblk.ok) {
      const parsed = parseLsblkMounts(lsblk.stdout);
      if (parsed.ok) facts.lsblkMounts = parsed.value;
      else facts.problems.push(parsed.error);
    } else {
      facts.problems.push(lsblk.message);
    }
  }
  return facts;
}
