/**
 * Two reads the doctor needs beyond text, expressed in its own result shape: bytes (for
 * /proc/config.gz, which UTF-8 decoding would destroy) and a device node's owner and mode (for
 * /dev/cpu_dma_latency). Both go through src/system's Files, so --root confines them.
 */
import type { Files } from '../system/index.js';

export async function readBytes(files: Files, file: string, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  const result = await files.readBytes(file, { maxBytes });
  if (!result.ok) return { ok: false, reason: result.message };
  if (result.truncated) return { ok: false, reason: `${file} is larger than ${maxBytes} bytes` };
  return { ok: true, bytes: result.bytes };
}

/** Owner, group and permission bits of a device node (or null when it does not exist). */
export async function nodeOwnership(files: Files, file: string): Promise<{ ok: true; node: { mode: number; uid: number; gid: number } | null } | { ok: false; reason: string }> {
  const result = await files.stat(file);
  if (!result.ok) return result.problem === 'missing' ? { ok: true, node: null } : { ok: false, reason: result.message };
  return { ok: true, node: { mode: result.info.mode, uid: result.info.uid, gid: result.info.gid } };
}
