/**
 * Binary file reads for WAV input. src/system/files.ts returns text only; WAV needs bytes, so this
 * small adapter reads them with the same care (regular files only, bounded size, typed errors).
 */
import { open, stat } from 'node:fs/promises';
import { inputError } from '../../errors.js';

/** 10 minutes of 8-channel 32-bit float at 48 kHz is 922 MB; beyond that it is not a loop capture. */
export const MAX_WAV_BYTES = 1 << 30;

export async function readBytes(file: string, maxBytes = MAX_WAV_BYTES): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? `${file} does not exist` : `${file}: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw inputError(`${file} is not a regular file`);
  if (info.size > maxBytes) throw inputError(`${file} is larger than ${maxBytes} bytes`);
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(info.size);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesRead } = await handle.read(bytes, offset, bytes.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}
