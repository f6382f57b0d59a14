/** /proc/mounts and /proc/swaps. */
import { hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';
import { unescapeMountField } from '../../linux/mount-field.js';

export interface Mount {
  source: string;
  target: string;
  fstype: string;
  options: string[];
}

// /proc/mounts escapes space, tab, newline and backslash as octal: "/media/My\040Disk".

export function parseMounts(text: string): Parsed<Mount[]> {
  if (hasBinaryNoise(text)) return malformed('mount table holds binary data');
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !(fields[1] as string).startsWith('/')) continue;
    mounts.push({ source: unescapeMountField(fields[0] as string), target: unescapeMountField(fields[1] as string), fstype: fields[2] as string, options: (fields[3] as string).split(',') });
  }
  if (mounts.length === 0) return malformed('no "source target type options" lines: not a mount table');
  return parsed(mounts);
}

/** /proc/swaps: a header, then one line per active swap area. */
export function parseSwaps(text: string): Parsed<Array<{ name: string; type: string }>> {
  if (!/^Filename\s+Type/.test(text)) return malformed('no "Filename Type" header: not /proc/swaps');
  const areas = text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 2 && fields[0] !== '')
    .map((fields) => ({ name: fields[0] as string, type: fields[1] as string }));
  return parsed(areas);
}
