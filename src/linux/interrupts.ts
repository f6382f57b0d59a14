/**
 * /proc/interrupts: which devices hang off which IRQ line, and how often each CPU took it. The
 * doctor reads the device lists (shared lines); xrun forensics reads the per-CPU counters.
 */
import { hasBinaryNoise, malformed, parsed, type Parsed } from '../result.js';

export interface IrqLine {
  irq: number;
  /** Total over all CPUs. */
  count: number;
  /** One counter per CPU column, CPU0 first. */
  perCpu: number[];
  /** Everything between the counters and the device list, e.g. "IR-PCI-MSI 327680-edge". */
  controller: string;
  /** Handler names as the kernel registered them: "snd_hda_intel:card0", "xhci_hcd". */
  devices: string[];
}

/** The architecture's per-CPU counters without a line number: LOC (local timer), RES (reschedule IPIs), TLB, … */
export interface IrqCounter {
  name: string;
  perCpu: number[];
  description: string;
}

export interface Interrupts {
  cpus: number;
  lines: IrqLine[];
  counters: IrqCounter[];
}

// The trigger column ends the controller description: "5-edge", "edge", "fasteoi", "level", "simple".
const TRIGGER = /^(?:\d+-)?(?:edge|level|fasteoi|simple|-)$|-(?:edge|level)$/i;

export function parseInterrupts(text: string): Parsed<Interrupts> {
  if (hasBinaryNoise(text)) return malformed('/proc/interrupts holds binary data');
  const rows = text.split('\n');
  const header = rows[0]?.trim().split(/\s+/) ?? [];
  if (header.length === 0 || !header.every((column) => /^CPU\d+$/.test(column))) {
    return malformed('no "CPU0 CPU1 …" header: not /proc/interrupts');
  }
  const cpus = header.length;
  const lines: IrqLine[] = [];
  const counters: IrqCounter[] = [];
  for (const row of rows.slice(1)) {
    const match = /^\s*([0-9A-Za-z]+):(.*)$/.exec(row);
    if (match === null) continue;
    const name = match[1] as string;
    const fields = (match[2] as string).trim().split(/\s+/).filter(Boolean);
    const counterFields = fields.slice(0, cpus);
    // ERR and MIS carry one total, not a column per CPU: nothing per CPU to learn from them.
    if (counterFields.length < cpus || !counterFields.every((field) => /^\d+$/.test(field))) continue;
    const perCpu = counterFields.map(Number);
    const rest = fields.slice(cpus);
    if (!/^\d+$/.test(name)) {
      counters.push({ name, perCpu, description: rest.join(' ') });
      continue;
    }
    let triggerAt = -1;
    for (let i = 0; i < rest.length; i++) if (TRIGGER.test(rest[i] as string)) triggerAt = i;
    // Without a trigger column (old kernels, odd chips) the first word is the controller.
    const split = triggerAt >= 0 ? triggerAt + 1 : Math.min(1, rest.length);
    const deviceText = rest.slice(split).join(' ');
    lines.push({
      irq: Number(name),
      count: perCpu.reduce((sum, value) => sum + value, 0),
      perCpu,
      controller: rest.slice(0, split).join(' '),
      devices: deviceText === '' ? [] : deviceText.split(/,\s*/).filter(Boolean),
    });
  }
  return parsed({ cpus, lines, counters });
}
