/**
 * Is this disk safe to erase? Parsers for the kernel's views of mounts (/proc/self/mountinfo,
 * /proc/mounts, /proc/swaps, `lsblk --json`) and one pure decision over the collected facts.
 * Parsers never throw: bad text gives a typed error the adapter reports as evidence.
 */
import { z } from 'zod';
import { unescapeMountField } from '../linux/mount-field.js';
import { parseJson, type Result } from '../result.js';

export type ParseResult<T> = Result<T>;

export interface MountEntry {
  majmin: string;
  mountPoint: string;
  source: string;
}

const MAJMIN = /^\d+:\d+$/;

/** Octal escapes (\040 for a space) as the kernel writes them in mount tables. */

/** /proc/self/mountinfo: `id parent maj:min root mountpoint opts [optional…] - fstype source superopts`. */
export function parseMountinfo(text: string): ParseResult<MountEntry[]> {
  const entries: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    const majmin = fields[2];
    const mountPoint = fields[4];
    const source = fields[separator + 2];
    if (fields.length < 10 || separator < 0 || majmin === undefined || !MAJMIN.test(majmin) || mountPoint === undefined || source === undefined) {
      return { ok: false, error: `mountinfo line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}` };
    }
    entries.push({ majmin, mountPoint: unescapeMountField(mountPoint), source: unescapeMountField(source) });
  }
  return { ok: true, value: entries };
}

/** /proc/mounts (fstab format): `source mountpoint fstype opts dump pass`. */
export function parseProcMounts(text: string): ParseResult<Array<{ source: string; mountPoint: string }>> {
  const entries: Array<{ source: string; mountPoint: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    if (fields.length < 4 || fields[0] === '' || fields[1] === '' || !(fields[1] as string).startsWith('/')) {
      return { ok: false, error: `/proc/mounts line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}` };
    }
    entries.push({ source: unescapeMountField(fields[0] as string), mountPoint: unescapeMountField(fields[1] as string) });
  }
  return { ok: true, value: entries };
}

/** /proc/swaps: a header line, then `filename type size used priority`. */
export function parseSwaps(text: string): ParseResult<string[]> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return { ok: true, value: [] };
  if (!(lines[0] as string).startsWith('Filename')) return { ok: false, error: '/proc/swaps has no header line' };
  const swaps: string[] = [];
  for (const line of lines.slice(1)) {
    const name = line.split(/\s+/)[0];
    if (name === undefined || !name.startsWith('/')) return { ok: false, error: `/proc/swaps line is malformed: ${JSON.stringify(line.slice(0, 120))}` };
    swaps.push(unescapeMountField(name));
  }
  return { ok: true, value: swaps };
}

interface LsblkNode {
  name: string;
  mountpoint?: string | null | undefined;
  mountpoints?: Array<string | null> | undefined;
  children?: LsblkNode[] | undefined;
}
const lsblkNode: z.ZodType<LsblkNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    mountpoint: z.string().nullable().optional(),
    mountpoints: z.array(z.string().nullable()).optional(),
    children: z.array(lsblkNode).optional(),
  }),
);
const lsblkSchema = z.object({ blockdevices: z.array(lsblkNode) });

/** `lsblk --json`: every (device, mount point) pair below the given device, children included. */
export function parseLsblkMounts(text: string): ParseResult<Array<{ name: string; mountPoint: string }>> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, error: `lsblk output is not JSON: ${json.error}` };
  const parsed = lsblkSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, error: 'lsblk output has an unexpected shape' };
  const out: Array<{ name: string; mountPoint: string }> = [];
  const walk = (node: LsblkNode): void => {
    const points = [node.mountpoint, ...(node.mountpoints ?? [])].filter((p): p is string => typeof p === 'string' && p !== '');
    for (const mountPoint of new Set(points)) out.push({ name: node.name, mountPoint });
    for (const child of node.children ?? []) walk(child);
  };
  parsed.data.blockdevices.forEach(walk);
  return { ok: true, value: out };
}

/** `stat -L -c '%F|%t|%T'`: file type and (hex) major/minor of a device node. */
export function parseStat(text: string): ParseResult<{ kind: 'block' | 'other'; majmin: string | null; type: string }> {
  const match = /^([a-z ]+)\|([0-9a-f]+)\|([0-9a-f]+)\s*$/.exec(text);
  if (match === null) return { ok: false, error: `unexpected stat output ${JSON.stringify(text.slice(0, 80))}` };
  const type = match[1] as string;
  const kind = type === 'block special file' ? 'block' : 'other';
  return { ok: true, value: { kind, majmin: kind === 'block' ? `${parseInt(match[2] as string, 16)}:${parseInt(match[3] as string, 16)}` : null, type } };
}

export interface BlockNode {
  /** Kernel name (sda, nvme0n1p2, loop3, dm-0). */
  name: string;
  majmin: string;
  /** Kernel names of devices stacked on top (dm-crypt, LVM, md). */
  holders: string[];
}

export interface DiskFacts {
  /** As the person wrote it. */
  path: string;
  exists: boolean;
  /** `stat` said what it is; null when stat could not run (then the disk is not trusted). */
  kind: 'block' | 'other' | null;
  typeDescription: string;
  disk: BlockNode | null;
  /** The disk is itself a partition (/dev/sda1): refuse, a whole disk is needed. */
  isPartition: boolean;
  partitions: BlockNode[];
  sizeBytes: number | null;
  model: string | null;
  readOnly: boolean;
  mounts: MountEntry[];
  procMounts: Array<{ source: string; mountPoint: string }>;
  swaps: string[];
  lsblkMounts: Array<{ name: string; mountPoint: string }>;
  /** Kernel names of every block device under `/` (through dm/md slaves), when / is on one. */
  rootStack: string[];
  problems: string[];
}

export type Verdict = { ok: true; summary: string } | { ok: false; message: string };

/** 8 GiB: the Plasma desktop, the RT kernel and a first generation need about that much. */
export const MIN_DISK_BYTES = 8 * 1024 ** 3;

export function formatSize(bytes: number): string {
  const gb = bytes / 1e9;
  const gib = bytes / 1024 ** 3;
  return gb >= 1 ? `${gb.toFixed(1)} GB (${gib.toFixed(1)} GiB)` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export function describeDisk(facts: DiskFacts): string {
  const size = facts.sizeBytes === null ? 'unknown size' : formatSize(facts.sizeBytes);
  return `${facts.path} (${facts.model ?? 'unknown model'}, ${size})`;
}

/** The one decision: erase this disk or refuse, with the reason in one line. */
export function judgeDisk(facts: DiskFacts, minBytes = MIN_DISK_BYTES): Verdict {
  const { path } = facts;
  if (!facts.exists) return { ok: false, message: `${path} does not exist` };
  if (facts.kind === null) return { ok: false, message: `cannot tell what ${path} is: ${facts.problems[0] ?? 'stat failed'}` };
  if (facts.kind !== 'block' || facts.disk === null) {
    return { ok: false, message: `${path} is not a block device (it is a ${facts.kind === 'block' ? 'block device unknown to sysfs' : facts.typeDescription})` };
  }
  const disk = facts.disk;
  if (facts.isPartition) return { ok: false, message: `${path} is a partition (${disk.name}); give the whole disk` };
  const family = new Set([disk.name, ...facts.partitions.map((p) => p.name)]);
  const familyMajmin = new Set([disk.majmin, ...facts.partitions.map((p) => p.majmin)]);

  const underRoot = facts.rootStack.find((name) => family.has(name));
  if (underRoot !== undefined) return { ok: false, message: `${path} holds the running system (/ is on ${underRoot})` };

  const mounted = facts.mounts.find((m) => familyMajmin.has(m.majmin));
  if (mounted !== undefined) return { ok: false, message: `${path} is in use: ${mounted.source} is mounted on ${mounted.mountPoint}` };
  const devNames = new Set([...family].map((name) => `/dev/${name}`).concat(path));
  const mountedByName = facts.procMounts.find((m) => devNames.has(m.source));
  if (mountedByName !== undefined) return { ok: false, message: `${path} is in use: ${mountedByName.source} is mounted on ${mountedByName.mountPoint}` };
  const lsblkMounted = facts.lsblkMounts[0];
  if (lsblkMounted !== undefined) return { ok: false, message: `${path} is in use: ${lsblkMounted.name} is mounted on ${lsblkMounted.mountPoint} (lsblk)` };
  const swap = facts.swaps.find((s) => devNames.has(s));
  if (swap !== undefined) return { ok: false, message: `${path} is in use: ${swap} is active swap` };
  for (const node of [disk, ...facts.partitions]) {
    const holder = node.holders[0];
    if (holder !== undefined) return { ok: false, message: `${path} is in use: ${node.name} is held by ${holder} (device-mapper, LVM or RAID)` };
  }

  if (facts.readOnly) return { ok: false, message: `${path} is read-only` };
  if (facts.sizeBytes === null || facts.sizeBytes === 0) return { ok: false, message: `${path} has no medium (size 0)` };
  if (facts.sizeBytes < minBytes) {
    return { ok: false, message: `${path} is too small: ${formatSize(facts.sizeBytes)}, ArchibaldOS needs at least ${formatSize(minBytes)}` };
  }
  return { ok: true, summary: describeDisk(facts) };
}
