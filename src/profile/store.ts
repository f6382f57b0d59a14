/**
 * Adapter: the only code that writes profile files. A write goes to a temporary file in the same
 * directory, is fsynced, the previous version is kept as FILE.bak, and then one rename() swaps
 * the new file in, so a reader (or a crash) sees the old file or the new one, never half of one.
 * Read-modify-write cycles run under an exclusive lock file (O_CREAT|O_EXCL), so concurrent
 * `profile set` calls queue instead of losing each other's updates.
 */
import { constants } from 'node:fs';
import { copyFile, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArchibaldError } from '../errors.js';

export interface WriteHooks {
  /** Runs after the temporary file is complete and synced, before the rename (tests simulate a crash here). */
  beforeRename?: (tempFile: string) => void | Promise<void>;
}

/** Hooks from the environment, so an end-to-end test can crash a real `archibald` process mid-write. */
export function hooksFromEnv(env: NodeJS.ProcessEnv = process.env): WriteHooks {
  if (env.ARCHIBALD_FAULT === 'crash-before-rename') {
    return { beforeRename: () => void process.kill(process.pid, 'SIGKILL') };
  }
  return {};
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

function writeFailure(file: string, error: unknown): ArchibaldError {
  return new ArchibaldError('BAD_INPUT', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
}

/** Reads a file's exact bytes, or null when it does not exist. */
export async function readBytes(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ArchibaldError('NOT_FOUND', `cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * Replaces `file` with `content` atomically. With `backup`, the previous content (if any) is
 * first copied to FILE.bak. The file keeps its permission bits.
 */
export async function writeAtomic(file: string, content: string | Buffer, options: { backup?: boolean; hooks?: WriteHooks } = {}): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let mode = 0o644;
  let existed = false;
  try {
    mode = (await stat(file)).mode & 0o7777;
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

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `action` while holding FILE.lock. The lock file holds the owner's pid: a lock left by a
 * process that no longer exists (killed mid-edit) is taken over instead of blocking forever.
 */
export async function withLock<T>(file: string, action: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const lockFile = `${file}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw writeFailure(lockFile, error);
      const owner = Number.parseInt((await readFile(lockFile, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        // Stale: remove it only if it still names the dead owner (another waiter may have won already).
        const again = Number.parseInt((await readFile(lockFile, 'utf8').catch(() => '')).trim(), 10);
        if (again === owner) await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ArchibaldError('REFUSED', `${file} is locked by process ${Number.isInteger(owner) ? owner : '?'} (${lockFile}); try again when it has finished`);
      }
      await sleep(5 + Math.min(50, attempt * 2) * Math.random());
    }
  }
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}
