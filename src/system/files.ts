/**
 * File access below a root. Every check reads the machine through this, so `--root DIR` can point
 * at a fixture of a whole machine (/proc, /sys, /etc, …) and nothing of the real host leaks in.
 * Failures are values, never exceptions: a missing file, a directory where a file should be,
 * a symlink loop or a 500 MB file each come back as a typed reason the caller can report.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { readdir, readlink, lstat } from 'node:fs/promises';
import path from 'node:path';

export type FileProblem = 'missing' | 'denied' | 'not-a-file' | 'not-a-directory' | 'loop' | 'escapes-root' | 'io-error';

export type FileResult =
  | { ok: true; text: string; truncated: boolean; bytes: number }
  | { ok: false; problem: FileProblem; message: string };

export type DirResult = { ok: true; entries: string[] } | { ok: false; problem: FileProblem; message: string };

/** Default read bound: /proc and /sys files are tiny; anything larger is either garbage or hostile. */
export const DEFAULT_MAX_BYTES = 1 << 20;
const MAX_SYMLINK_HOPS = 40;

export interface Files {
  readonly root: string;
  /** True when reading the live machine (root is "/"). */
  readonly isHost: boolean;
  readFile(file: string, options?: { maxBytes?: number }): Promise<FileResult>;
  /** The same bounded read, as bytes (compressed or binary files such as /proc/config.gz, WAV). */
  readBytes(file: string, options?: { maxBytes?: number }): Promise<BytesResult>;
  /** Kind, owner, group and permission bits (symlinks followed), e.g. of a device node. */
  stat(file: string): Promise<{ ok: true; info: NodeInfo } | { ok: false; problem: FileProblem; message: string }>;
  readDir(dir: string): Promise<DirResult>;
  exists(file: string): Promise<boolean>;
  /** Target of a symlink, as written (not resolved). */
  readLink(file: string): Promise<{ ok: true; target: string } | { ok: false; problem: FileProblem; message: string }>;
  /** The path a process under `root` would reach, with symlinks resolved inside the root. */
  resolve(file: string): Promise<{ ok: true; path: string } | { ok: false; problem: FileProblem; message: string }>;
}

function problemOf(error: unknown): FileProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'missing';
    case 'EACCES':
    case 'EPERM':
      return 'denied';
    case 'EISDIR':
      return 'not-a-file';
    case 'ENOTDIR':
      return 'not-a-directory';
    case 'ELOOP':
      return 'loop';
    default:
      return 'io-error';
  }
}

function describe(problem: FileProblem, file: string, error?: unknown): string {
  switch (problem) {
    case 'missing':
      return `${file} does not exist`;
    case 'denied':
      return `${file}: permission denied`;
    case 'not-a-file':
      return `${file} is not a regular file`;
    case 'not-a-directory':
      return `${file} is not a directory`;
    case 'loop':
      return `${file}: too many levels of symbolic links`;
    case 'escapes-root':
      return `${file} points outside the inspected root`;
    case 'io-error':
      return `${file}: ${(error as Error | undefined)?.message ?? 'read error'}`;
  }
}

export type BytesResult = { ok: true; bytes: Buffer; truncated: boolean } | { ok: false; problem: FileProblem; message: string };

export interface NodeInfo {
  kind: 'file' | 'directory' | 'character-device' | 'block-device' | 'fifo' | 'socket' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** For device nodes: major and minor numbers. */
  rdev: number;
}

/**
 * One bounded read of a regular file. Synchronous on purpose: /proc and /sys files are a page at
 * most and never block, and a trip through libuv's thread pool per file (open, fstat, read, close)
 * cost the doctor more than the reads. O_NONBLOCK keeps a FIFO planted where a file should be from
 * hanging the open; fstat then refuses anything that is not a regular file.
 */
function readBoundedBytes(real: string, maxBytes: number, shownAs: string): BytesResult {
  let fd: number | undefined;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { ok: false, problem: 'not-a-file', message: describe('not-a-file', shownAs) };
    // procfs/sysfs report size 0 (or 4096) whatever they hold, so read up to the bound regardless.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, 64 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const bytesRead = readSync(fd, buffer, 0, Math.min(buffer.length, maxBytes + 1 - total), null);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      total += bytesRead;
    }
    const truncated = total > maxBytes;
    return { ok: true, bytes: Buffer.concat(chunks).subarray(0, Math.min(total, maxBytes)), truncated };
  } catch (error) {
    const problem = problemOf(error);
    return { ok: false, problem, message: describe(problem, shownAs, error) };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing useful to do
      }
    }
  }
}

function toText(result: BytesResult): FileResult {
  if (!result.ok) return result;
  return { ok: true, text: result.bytes.toString('utf8'), truncated: result.truncated, bytes: result.bytes.length };
}

async function nodeInfo(real: string, shownAs: string, follow: boolean): Promise<{ ok: true; info: NodeInfo } | { ok: false; problem: FileProblem; message: string }> {
  try {
    // Synchronous for the same reason as the reads: one syscall, no thread-pool round trip.
    const info = follow ? statSync(real) : lstatSync(real);
    const kind: NodeInfo['kind'] = info.isFile()
      ? 'file'
      : info.isDirectory()
        ? 'directory'
        : info.isCharacterDevice()
          ? 'character-device'
          : info.isBlockDevice()
            ? 'block-device'
            : info.isFIFO()
              ? 'fifo'
              : info.isSocket()
                ? 'socket'
                : info.isSymbolicLink()
                  ? 'symlink'
                  : 'other';
    return { ok: true, info: { kind, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, size: info.size, rdev: info.rdev } };
  } catch (error) {
    const problem = problemOf(error);
    return { ok: false, problem, message: describe(problem, shownAs, error) };
  }
}

/** Files of the live machine: paths are used as they are. */
class HostFiles implements Files {
  readonly root = '/';
  readonly isHost = true;

  async readFile(file: string, options: { maxBytes?: number } = {}): Promise<FileResult> {
    return toText(readBoundedBytes(file, options.maxBytes ?? DEFAULT_MAX_BYTES, file));
  }

  async readBytes(file: string, options: { maxBytes?: number } = {}): Promise<BytesResult> {
    return readBoundedBytes(file, options.maxBytes ?? DEFAULT_MAX_BYTES, file);
  }

  stat(file: string) {
    return nodeInfo(file, file, true);
  }

  async readDir(dir: string): Promise<DirResult> {
    try {
      return { ok: true, entries: (await readdir(dir)).sort() };
    } catch (error) {
      const problem = problemOf(error);
      return { ok: false, problem, message: describe(problem, dir, error) };
    }
  }

  async exists(file: string): Promise<boolean> {
    try {
      await lstat(file);
      return true;
    } catch {
      return false;
    }
  }

  async readLink(file: string) {
    try {
      return { ok: true as const, target: await readlink(file) };
    } catch (error) {
      const problem = problemOf(error);
      return { ok: false as const, problem, message: describe(problem, file, error) };
    }
  }

  async resolve(file: string) {
    return { ok: true as const, path: path.resolve('/', file) };
  }
}

/**
 * Files of a machine image below `root`. Symlinks are followed by hand so that an absolute link
 * (`/sys/class/sound/card0 -> /sys/devices/...`) lands inside the root, never on the host.
 */
class RootedFiles implements Files {
  readonly isHost = false;
  constructor(readonly root: string) {}

  async resolve(file: string): Promise<{ ok: true; path: string } | { ok: false; problem: FileProblem; message: string }> {
    const pending = path.posix.resolve('/', file).split('/').filter(Boolean);
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const candidate = path.join(this.root, ...resolved, part);
      let isLink = false;
      try {
        isLink = (await lstat(candidate)).isSymbolicLink();
      } catch (error) {
        const problem = problemOf(error);
        if (problem === 'missing' || problem === 'not-a-directory') {
          // Nothing to follow: the remainder is taken literally and the open reports the problem.
          resolved.push(part, ...pending);
          break;
        }
        return { ok: false, problem, message: describe(problem, file, error) };
      }
      if (!isLink) {
        resolved.push(part);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) return { ok: false, problem: 'loop', message: describe('loop', file) };
      let target: string;
      try {
        target = await readlink(candidate);
      } catch (error) {
        const problem = problemOf(error);
        return { ok: false, problem, message: describe(problem, file, error) };
      }
      const targetParts = target.split('/').filter(Boolean);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...targetParts);
    }
    return { ok: true, path: path.join(this.root, ...resolved) };
  }

  async readFile(file: string, options: { maxBytes?: number } = {}): Promise<FileResult> {
    return toText(await this.readBytes(file, options));
  }

  async readBytes(file: string, options: { maxBytes?: number } = {}): Promise<BytesResult> {
    const real = await this.resolve(file);
    if (!real.ok) return real;
    return readBoundedBytes(real.path, options.maxBytes ?? DEFAULT_MAX_BYTES, file);
  }

  async stat(file: string) {
    const real = await this.resolve(file);
    if (!real.ok) return real;
    // resolve() already followed every link inside the root.
    return nodeInfo(real.path, file, false);
  }

  async readDir(dir: string): Promise<DirResult> {
    const real = await this.resolve(dir);
    if (!real.ok) return real;
    try {
      return { ok: true, entries: (await readdir(real.path)).sort() };
    } catch (error) {
      const problem = problemOf(error);
      return { ok: false, problem, message: describe(problem, dir, error) };
    }
  }

  async exists(file: string): Promise<boolean> {
    const real = await this.resolve(file);
    if (!real.ok) return false;
    try {
      await lstat(real.path);
      return true;
    } catch {
      return false;
    }
  }

  async readLink(file: string) {
    const parent = await this.resolve(path.posix.dirname(path.posix.resolve('/', file)));
    if (!parent.ok) return parent;
    try {
      return { ok: true as const, target: await readlink(path.join(parent.path, path.posix.basename(file))) };
    } catch (error) {
      const problem = problemOf(error);
      return { ok: false as const, problem, message: describe(problem, file, error) };
    }
  }
}

export function filesAt(root: string = '/'): Files {
  const normalised = path.resolve(root);
  return normalised === '/' ? new HostFiles() : new RootedFiles(normalised);
}
