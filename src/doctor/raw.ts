/**
 * Two reads src/system's Files does not offer yet: bytes (for /proc/config.gz: Files decodes text as
 * UTF-8, which destroys gzip data) and a device node's owner and mode (for /dev/cpu_dma_latency;
 * spawning stat(1) instead cost ~10 ms of the start-up budget). Both resolve the path through Files
 * first, so --root still confines them. Nothing else in the doctor touches node:fs.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Files } from '../system/index.js';

export async function readBytes(files: Files, file: string, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  const real = await files.resolve(file);
  if (!real.ok) return { ok: false, reason: real.message };
  let fd: number | undefined;
  try {
    // O_NONBLOCK so that a FIFO planted where the file should be cannot hang the open.
    fd = openSync(real.path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { ok: false, reason: `${file} is not a regular file` };
    // One small synchronous read: /proc/config.gz is ~30 KB, and a trip through the thread pool
    // queue behind a hundred /proc reads cost more than the read itself.
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) return { ok: false, reason: `${file} is larger than ${maxBytes} bytes` };
    }
    return { ok: true, bytes: buffer.subarray(0, total) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${file} does not exist` : `${file}: ${(error as Error).message}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Owner, group and permission bits of a device node (or null when it does not exist). */
export async function nodeOwnership(files: Files, file: string): Promise<{ ok: true; node: { mode: number; uid: number; gid: number } | null } | { ok: false; reason: string }> {
  const real = await files.resolve(file);
  if (!real.ok) return { ok: false, reason: real.message };
  try {
    const info = await stat(real.path);
    return { ok: true, node: { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { ok: true, node: null } : { ok: false, reason: `${file}: ${(error as Error).message}` };
  }
}
