/**
 * Two reads src/system's Files does not offer yet: bytes (for /proc/config.gz: Files decodes text as
 * UTF-8, which destroys gzip data) and a device node's owner and mode (for /dev/cpu_dma_latency;
 * spawning stat(1) instead cost ~10 ms of the start-up budget). Both resolve the path through Files
 * first, so --root still confines them. Nothing else in the doctor touches node:fs.
 */
import { open, stat } from 'node:fs/promises';
import type { Files } from '../system/index.js';

export async function readBytes(files: Files, file: string, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  const real = await files.resolve(file);
  if (!real.ok) return { ok: false, reason: real.message };
  try {
    if (!(await stat(real.path)).isFile()) return { ok: false, reason: `${file} is not a regular file` };
    const handle = await open(real.path, 'r');
    try {
      const buffer = Buffer.alloc(maxBytes + 1);
      let total = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > maxBytes) return { ok: false, reason: `${file} is larger than ${maxBytes} bytes` };
      }
      return { ok: true, bytes: buffer.subarray(0, total) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ENOENT' ? `${file} does not exist` : `${file}: ${(error as Error).message}` };
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
