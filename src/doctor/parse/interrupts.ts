/** /proc/interrupts: the parser lives with the other kernel formats in src/linux. */
import type { IrqLine as KernelIrqLine } from '../../linux/interrupts.js';

export { parseInterrupts } from '../../linux/interrupts.js';

/** The doctor judges which devices share a line; the per-CPU split is for xrun forensics. */
export type IrqLine = Omit<KernelIrqLine, 'perCpu'>;
