/**
 * The kernel's CPU-list format, as sysfs (`/sys/devices/system/cpu/online`), /proc
 * (`Cpus_allowed_list`) and the command line (`isolcpus=`) write it: "2", "0-3", "1,3-5".
 * One pure parser for the doctor, the benchmarks and the profile schema; each wraps the result in
 * its own error shape.
 */
export type CpuListResult = { ok: true; cpus: number[] } | { ok: false; reason: string };

/** The highest CPU number the kernel supports (NR_CPUS is at most 8192). */
export const MAX_CPU = 8191;

/** isolcpus= accepts these flags before the list ("domain,managed_irq,2-3"). */
const ISOLCPUS_FLAGS = new Set(['domain', 'managed_irq', 'nohz']);

export function parseCpuList(text: string, options: { allowEmpty?: boolean; allowFlags?: boolean; maxCpu?: number } = {}): CpuListResult {
  const trimmed = text.trim();
  if (trimmed === '') return options.allowEmpty === true ? { ok: true, cpus: [] } : { ok: false, reason: 'empty CPU list' };
  const maxCpu = options.maxCpu ?? MAX_CPU;
  const cpus = new Set<number>();
  for (const rawPart of trimmed.split(',')) {
    const part = rawPart.trim();
    if (options.allowFlags === true && ISOLCPUS_FLAGS.has(part)) continue;
    const range = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (range === null) return { ok: false, reason: `"${part.slice(0, 20)}" is not a CPU or CPU range` };
    const low = Number(range[1]);
    const high = range[2] === undefined ? low : Number(range[2]);
    if (high < low || high > maxCpu) return { ok: false, reason: `CPU range ${part} is out of order or too large` };
    for (let cpu = low; cpu <= high; cpu++) cpus.add(cpu);
  }
  return { ok: true, cpus: [...cpus].sort((a, b) => a - b) };
}
