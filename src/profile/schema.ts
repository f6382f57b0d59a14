/**
 * The audio profile: the one definition shared by the toolkit and the Nix modules
 * (nix/modules/audio reads the same JSON with lib.importJSON). profiles/profile.schema.json is
 * generated from this schema (`npm run build` → scripts/gen-schema) and a test fails when it is stale.
 *
 * Every field is required in a profile file, so the Nix side never has to guess a default.
 */
import { z } from 'zod';

export const STANDARD_RATES = [44100, 48000, 88200, 96000, 176400, 192000] as const;
export const GOVERNORS = ['performance', 'schedutil', 'ondemand', 'conservative', 'powersave'] as const;
export const KERNEL_MODES = ['rt', 'lowlatency'] as const;
export const DEVICE_TYPES = ['usb', 'pci'] as const;

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

const quantumSchema = (what: string) =>
  z
    .number({ error: `${what} must be a number of frames` })
    .int({ error: `${what} must be a whole number of frames` })
    .refine((n) => isPowerOfTwo(n) && n >= 16 && n <= 8192, {
      error: (issue) => `${what} must be a power of two in 16..8192 (got ${String(issue.input)})`,
    });

/** Linux CPU-list syntax as used by isolcpus=: "2", "2-3", "1,3-5". Ranges must ascend. */
export const CPU_LIST_PATTERN = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

export function parseCpuList(text: string): number[] | null {
  if (!CPU_LIST_PATTERN.test(text)) return null;
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const [lowText, highText] = part.split('-');
    const low = Number(lowText);
    const high = highText === undefined ? low : Number(highText);
    if (high < low || high > 8191) return null;
    for (let cpu = low; cpu <= high; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

const cpuListSchema = z
  .string()
  .refine((text) => parseCpuList(text) !== null, {
    error: (issue) => `must be a CPU list such as "2-3" or "1,3" with ascending ranges (got ${JSON.stringify(issue.input)})`,
  });

export const profileSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1, { error: 'version must be 1 (this toolkit reads profile format 1)' }),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'name must be lower-case letters, digits and "-", up to 32 characters' }),
    description: z.string().max(200),
    kernel: z
      .object({
        mode: z.enum(KERNEL_MODES, { error: `kernel.mode must be one of ${KERNEL_MODES.join(', ')}` }),
        threadirqs: z.boolean(),
        isolatedCpus: cpuListSchema.nullable(),
      })
      .strict(),
    pipewire: z
      .object({
        rate: z.union(
          STANDARD_RATES.map((rate) => z.literal(rate)),
          { error: (issue) => `rate must be one of ${STANDARD_RATES.join(', ')} Hz (got ${String(issue.input)})` },
        ),
        allowedRates: z.array(z.union(STANDARD_RATES.map((rate) => z.literal(rate)))).min(1),
        quantum: quantumSchema('quantum'),
        minQuantum: quantumSchema('minQuantum'),
        maxQuantum: quantumSchema('maxQuantum'),
        jackBridge: z.boolean(),
      })
      .strict(),
    device: z
      .object({
        type: z.enum(DEVICE_TYPES, { error: `device.type must be one of ${DEVICE_TYPES.join(', ')}` }),
        periods: z.number().int().min(2, { error: 'periods must be 2..8' }).max(8, { error: 'periods must be 2..8' }),
      })
      .strict(),
    limits: z
      .object({
        rtprio: z.number().int().min(1).max(99),
        nice: z.number().int().min(-20).max(19),
        memlock: z.union([z.literal('unlimited'), z.number().int().positive()], {
          error: 'memlock must be "unlimited" or a positive number of KiB',
        }),
      })
      .strict(),
    rtirq: z
      .object({
        enable: z.boolean(),
        nameList: z.array(z.string().regex(/^[A-Za-z0-9_.:-]+$/, { error: 'rtirq names are single words such as "snd" or "usb"' })),
        prioHigh: z.number().int().min(1).max(99),
        prioDecr: z.number().int().min(1).max(20),
        prioLow: z.number().int().min(1).max(99),
      })
      .strict(),
    cpu: z
      .object({
        governor: z.enum(GOVERNORS, { error: `cpu.governor must be one of ${GOVERNORS.join(', ')}` }),
      })
      .strict(),
    sysctl: z
      .object({
        swappiness: z.number().int().min(0).max(200),
        maxUserWatches: z.number().int().min(8192),
      })
      .strict(),
    usbAudio: z
      .object({
        lowlatency: z.boolean(),
        autosuspend: z.boolean(),
      })
      .strict(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const { quantum, minQuantum, maxQuantum, rate, allowedRates } = profile.pipewire;
    if (minQuantum > quantum || quantum > maxQuantum) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipewire', 'quantum'],
        message: `quantum ${quantum} must lie within minQuantum ${minQuantum} .. maxQuantum ${maxQuantum}`,
      });
    }
    if (!allowedRates.includes(rate)) {
      ctx.addIssue({ code: 'custom', path: ['pipewire', 'allowedRates'], message: `allowedRates must include the rate ${rate}` });
    }
    if (profile.rtirq.prioLow > profile.rtirq.prioHigh) {
      ctx.addIssue({ code: 'custom', path: ['rtirq', 'prioLow'], message: 'prioLow must not exceed prioHigh' });
    }
    if (profile.rtirq.prioHigh >= profile.limits.rtprio + 5 && profile.limits.rtprio < 90) {
      // legal, but worth knowing: IRQ threads far above the audio threads is the intended order
    }
  });

export type Profile = z.infer<typeof profileSchema>;
