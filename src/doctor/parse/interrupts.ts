/** /proc/interrupts: which devices hang off which IRQ line. */
import { hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';

export interface IrqLine {
  irq: number;
  /** Total over all CPUs. */
  count: number;
  /** Everything between the counters and the device list, e.g. "IR-PCI-MSI 327680-edge". */
  controller: string;
  /** Handler names as the kernel registered them: "snd_hda_intel:card0", "xhci_hcd". */
  devices: string[];
}

// The trigger column ends the controller description: "5-edge", "edge", "fasteoi", "level", "simple".
const TRIGGER = /^(?:\d+-)?(?:edge|level|fasteoi|simple|-)$|-(?:edge|level)$/i;

export function parseInterrupts(text: string): Parsed<{ cpus: number; lines: IrqLine[] }> {
  if (hasBinaryNoise(text)) return malformed('/proc/interrupts holds binary data');
  const rows = text.split('\n');
  const header = rows[0]?.trim().split(/\s+/) ?? [];
  if (header.length === 0 || !header.every((column) => /^CPU\d+$/.test(column))) {
    return malformed('no "CPU0 CPU1 …" header: not /proc/interrupts');
  }
  const cpus = header.length;
  const lines: IrqLine[] = [];
  for (const row of rows.slice(1)) {
    const match = /^\s*(\d+):(.*)$/.exec(row);
    if (match === null) continue; // NMI, LOC and friends are per-CPU counters, not lines
    const fields = (match[2] as string).trim().split(/\s+/).filter(Boolean);
    const counters = fields.slice(0, cpus);
    if (counters.length < cpus || !counters.every((field) => /^\d+$/.test(field))) continue;
    const rest = fields.slice(cpus);
    let triggerAt = -1;
    for (let i = 0; i < rest.length; i++) if (TRIGGER.test(rest[i] as string)) triggerAt = i;
    // Without a trigger column (old kernels, odd chips) the first word is the controller.
    const split = triggerAt >= 0 ? triggerAt + 1 : Math.min(1, rest.length);
    const deviceText = rest.slice(split).join(' ');
    lines.push({
      irq: Number(match[1]),
      count: counters.reduce((sum, field) => sum + Number(field), 0),
      controller: rest.slice(0, split).join(' '),
      devices: deviceText === '' ? [] : deviceText.split(/,\s*/).filter(Boolean),
    });
  }
  return parsed({ cpus, lines });
}
