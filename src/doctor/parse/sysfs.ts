/** Single values from sysfs and procfs. */
import { parseCpuList } from '../../linux/cpulist.js';
import { excerpt, hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';

export function parseInteger(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (!/^-?\d{1,18}$/.test(trimmed)) return malformed(`expected a whole number, found "${excerpt(trimmed, 40)}"`);
  return parsed(Number(trimmed));
}

export function parseWord(text: string): Parsed<string> {
  const trimmed = text.trim();
  if (hasBinaryNoise(trimmed) || !/^[\w.:@+-]{1,64}$/.test(trimmed)) return malformed(`expected one word, found "${excerpt(trimmed, 40)}"`);
  return parsed(trimmed);
}

/** "always [madvise] never" → "madvise". */
export function parseBracketChoice(text: string): Parsed<{ selected: string; choices: string[] }> {
  const choices = text.trim().split(/\s+/).filter(Boolean);
  const selected = choices.find((choice) => /^\[[\w-]+\]$/.test(choice));
  if (selected === undefined) return malformed(`no [selected] value in "${excerpt(text, 40)}"`);
  return parsed({ selected: selected.slice(1, -1), choices: choices.map((choice) => choice.replace(/^\[(.*)\]$/, '$1')) });
}

/**
 * CPU lists as sysfs and the kernel command line write them: "", "2", "0-3", "1,3-5". Flags that
 * isolcpus= accepts before the list ("domain,managed_irq,2-3") are skipped.
 */
export function parseCpuSet(text: string): Parsed<number[]> {
  const result = parseCpuList(text, { allowEmpty: true, allowFlags: true });
  return result.ok ? parsed(result.cpus) : malformed(result.reason);
}

export const formatCpuSet = (cpus: readonly number[]): string => (cpus.length === 0 ? 'none' : cpus.join(','));

export interface NodeAccess {
  path: string;
  mode: number;
  owner: string;
  group: string;
}

/** "../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/sound/card1" → "1-2"; null for a PCI card. */
export function usbDeviceOfCard(linkTarget: string): string | null {
  return /\/(\d+-[\d.]+):\d+\.\d+\/sound\/card\d+\/?$/.exec(linkTarget)?.[1] ?? null;
}
