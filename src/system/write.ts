/**
 * The one atomic file writer: content goes to a temporary file in the same directory, is fsynced,
 * the previous version is optionally kept as FILE.bak, and one rename() swaps the new file in, so
 * a reader (or a crash) sees the old file or the new one, never half of one. Profiles, saved
 * results, reports and the installer's files all go through it.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArchibaldError } from '../errors.js';

export interface WriteHooks {
  /** Runs after the temporary file is complete and synced, before the rename (tests simulate a crash here). */
  beforeRename?: (tempFile: string) => void | Promise<void>;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}

export function writeFailure(file: string, error: unknown): ArchibaldError {
  return new ArchibaldError('BAD_INPUT', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
}

/**
 * Replaces `file` with `content` atomically. With `backup`, the previous content (if any) is
 * first copied to FILE.bak. The file keeps its permission bits.
 */
export interface WriteOptions {
  /** Keep the previous content as FILE.bak. */
  backup?: boolean;
  hooks?: WriteHooks;
  /** Permission bits of a new file (default 0644; an existing file keeps its own). */
  mode?: number;
  /** Create the parent directories first. */
  createDirs?: boolean;
}

export async function writeFileAtomic(file: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  // Kernel file systems are no place for a temp file and a rename (and Node's recursive mkdir
  // never returns under /proc): refuse them up front with the one-line error.
  if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw writeFailure(file, new Error(`${dir} is a kernel file system, not a place for files`));
  if (options.createDirs === true) await mkdir(dir, { recursive: true }).catch((error: unknown) => { throw writeFailure(file, error); });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let mode = options.mode ?? 0o644;
  let existed = false;
  try {
    if (options.mode === undefined) mode = (await stat(file)).mode & 0o7777;
    else await stat(file);
    existed = true;
  } catch {
    // a new file
  }
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backup === true && existed) {
      // The backup is itself written to a temporary name first: a crash never leaves a torn .bak.
      const backupTemp = `${temp}.bak`;
      await copyFile(file, backupTemp);
      await rename(backupTemp, `${file}.bak`);
    }
    await options.hooks?.beforeRename?.(temp);
    await rename(temp, file);
    await syncDirectory(dir);
    await removeDeadWritersTemps(dir, path.basename(file));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    await rm(`${temp}.bak`, { force: true }).catch(() => undefined);
    if (error instanceof ArchibaldError) throw error;
    throw writeFailure(file, error);
  }
}

/** Temporary files a killed writer left behind (its pid is in the name); live writers' files stay. */
async function removeDeadWritersTemps(dir: string, base: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`.${base}.`)) continue;
    const match = /\.(\d+)\.[0-9a-z]+\.tmp(\.bak)?$/.exec(name.slice(base.length + 1));
    if (match !== null && !isAlive(Number(match[1]))) await rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
