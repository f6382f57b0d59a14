/**
 * Adapter: the only code that writes profile files. A write goes to a temporary file in the same
 * directory, is fsynced, the previous version is kept as FILE.bak, and then one rename() swaps
 * the new file in, so a reader (or a crash) sees the old file or the new one, never half of one.
 * Read-modify-write cycles run under an exclusive lock file (O_CREAT|O_EXCL), so concurrent
 * `profile set` calls queue instead of losing each other's updates.
 */
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { ArchibaldError } from '../errors.js';
import { isAlive, writeFailure, type WriteHooks } from '../system/index.js';

/** Hooks from the environment, so an end-to-end test can crash a real `archibald` process mid-write. */
export function hooksFromEnv(env: NodeJS.ProcessEnv = process.env): WriteHooks {
  if (env.ARCHIBALD_FAULT === 'crash-before-rename') {
    return { beforeRename: () => void process.kill(process.pid, 'SIGKILL') };
  }
  return {};
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
