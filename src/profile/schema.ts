/**
 * The audio profile: the one definition shared by the toolkit and the Nix modules
 * (nix/modules/audio reads the same JSON with lib.importJSON). profiles/profile.schema.json is
 * generated from this schema (`archibald profile schema > profiles/profile.schema.json`) and a test
 * fails when the checked-in file is stale.
 *
 * Every field is required in a profile file, so the Nix side never has to guess a default.
 * Every field carries a description of what it allows: the JSON Schema shows it to editors and
 * formatProfileIssues (messages.ts) puts it in the one-line error for a bad value.
 */
import { z } from 'zod';
import { parseCpuList as parseKernelCpuList } from '../linux/cpulist.js';

export const STANDARD_RATES = [44100, 48000, 88200, 96000, 176400, 192000] as const;
export const GOVERNORS = ['performance', 'schedutil', 'ondemand', 'conservative', 'powersave'] as const;
export const KERNEL_MODES = ['rt', 'lowlatency'] as const;
export const DEVICE_TYPES = ['usb', 'pci'] as const;
export const QUANTUM_MIN = 16;
export const QUANTUM_MAX = 8192;

export const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
export const isValidQuantum = (n: number): boolean => isPowerOfTwo(n) && n >= QUANTUM_MIN && n <= QUANTUM_MAX;

const QUANTUM_VALUES: number[] = [];
for (let n = QUANTUM_MIN; n <= QUANTUM_MAX; n *= 2) QUANTUM_VALUES.push(n);
const QUANTUM_RULE = `a power of two in ${QUANTUM_MIN}..${QUANTUM_MAX} (frames)`;
const oneOf = (values: readonly (string | number)[]): string => `one of ${values.join(', ')}`;

const quantumSchema = (role: string) =>
  z
    .number()
    .int()
    .refine(isValidQuantum)
    .meta({ enum: QUANTUM_VALUES })
    .describe(`${role}: ${QUANTUM_RULE}`);

const integer = (min: number, max: number, meaning: string) =>
  z.number().int().min(min).max(max).describe(`${meaning}: a whole number in ${min}..${max}`);

/** Linux CPU-list syntax as used by isolcpus=: "2", "2-3", "1,3-5". Ranges must ascend. */
export const CPU_LIST_PATTERN = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

export function parseCpuList(text: string): number[] | null {
  if (!CPU_LIST_PATTERN.test(text)) return null;
  const result = parseKernelCpuList(text);
  return result.ok ? result.cpus : null;
}

const rateSchema = z.union(STANDARD_RATES.map((rate) => z.literal(rate)));

export const profileSchema = z
  .object({
    $schema: z.string().optional().describe('path of the JSON Schema, for editors'),
    version: z.literal(1).describe('profile format: 1'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/)
      .describe('profile name: lower-case letters, digits and "-", starting with a letter, up to 32 characters'),
    description: z.string().max(200).describe('one sentence for people: a string of up to 200 characters'),
    kernel: z
      .object({
        mode: z.enum(KERNEL_MODES).describe(`kernel flavour: ${oneOf(KERNEL_MODES)}`),
        threadirqs: z.boolean().describe('threaded interrupt handlers (threadirqs): true or false'),
        isolatedCpus: z
          .string()
          .refine((text) => parseCpuList(text) !== null)
          .nullable()
          .describe('CPUs kept free for audio (isolcpus/nohz_full/rcu_nocbs): null or a CPU list such as "2", "2-3" or "1,3-5" with ascending ranges'),
      })
      .strict(),
    pipewire: z
      .object({
        rate: rateSchema.describe(`sample rate in Hz: ${oneOf(STANDARD_RATES)}`),
        allowedRates: z
          .array(rateSchema.describe(`an allowed rate: ${oneOf(STANDARD_RATES)}`))
          .min(1)
          .describe(`rates PipeWire may switch to: a non-empty list of ${STANDARD_RATES.join(', ')} that includes the rate`),
        quantum: quantumSchema('frames per graph cycle'),
        minQuantum: quantumSchema('smallest quantum a client may ask for'),
        maxQuantum: quantumSchema('largest quantum a client may ask for'),
        jackBridge: z.boolean().describe('run JACK clients on PipeWire (pipewire-jack): true or false'),
      })
      .strict(),
    device: z
      .object({
        type: z.enum(DEVICE_TYPES).describe(`kind of audio interface: ${oneOf(DEVICE_TYPES)}`),
        periods: integer(2, 8, 'ALSA periods per buffer'),
      })
      .strict(),
    limits: z
      .object({
        rtprio: integer(1, 99, 'highest real-time priority for @audio'),
        nice: integer(-20, 19, 'lowest nice value for @audio'),
        memlock: z
          .union([z.literal('unlimited'), z.number().int().positive()])
          .describe('locked memory for @audio: "unlimited" or a positive whole number of KiB'),
      })
      .strict(),
    rtirq: z
      .object({
        enable: z.boolean().describe('raise audio IRQ threads with rtirq: true or false'),
        nameList: z
          .array(z.string().regex(/^[A-Za-z0-9_.:-]+$/).describe('an IRQ name: a single word of letters, digits, "_", ".", ":" or "-"'))
          .describe('IRQ names in priority order: a list of single words such as "snd", "usb"'),
        prioHigh: integer(1, 99, 'priority of the first IRQ in nameList'),
        prioDecr: integer(1, 20, 'priority step between IRQs in nameList'),
        prioLow: integer(1, 99, 'lowest priority rtirq assigns'),
      })
      .strict(),
    cpu: z
      .object({
        governor: z.enum(GOVERNORS).describe(`CPU frequency governor: ${oneOf(GOVERNORS)}`),
      })
      .strict(),
    sysctl: z
      .object({
        swappiness: integer(0, 200, 'vm.swappiness'),
        maxUserWatches: z.number().int().min(8192).describe('fs.inotify.max_user_watches: a whole number of at least 8192'),
      })
      .strict(),
    usbAudio: z
      .object({
        lowlatency: z.boolean().describe('snd_usb_audio lowlatency playback mode: true or false'),
        autosuspend: z.boolean().describe('allow USB autosuspend of audio interfaces: true or false'),
      })
      .strict(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // Field checks do not abort the object's own checks: compare only values that are valid on their own,
    // so one bad value never yields a second, derived complaint.
    const { quantum, minQuantum, maxQuantum, rate, allowedRates } = profile.pipewire;
    const quantaValid = [quantum, minQuantum, maxQuantum].every(isValidQuantum);
    if (!quantaValid) {
      // reported by the field checks
    } else if (minQuantum > maxQuantum) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipewire', 'minQuantum'],
        message: `pipewire.minQuantum = ${minQuantum}: must not exceed pipewire.maxQuantum (${maxQuantum})`,
      });
    } else if (quantum < minQuantum || quantum > maxQuantum) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipewire', 'quantum'],
        message: `pipewire.quantum = ${quantum}: must lie within pipewire.minQuantum..pipewire.maxQuantum (${minQuantum}..${maxQuantum})`,
      });
    }
    if ((STANDARD_RATES as readonly number[]).includes(rate) && !allowedRates.includes(rate)) {
      ctx.addIssue({
        code: 'custom',
        path: ['pipewire', 'allowedRates'],
        message: `pipewire.allowedRates = ${JSON.stringify(allowedRates)}: must include pipewire.rate (${rate})`,
      });
    }
    const priority = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 99;
    if (priority(profile.rtirq.prioLow) && priority(profile.rtirq.prioHigh) && profile.rtirq.prioLow > profile.rtirq.prioHigh) {
      ctx.addIssue({
        code: 'custom',
        path: ['rtirq', 'prioLow'],
        message: `rtirq.prioLow = ${profile.rtirq.prioLow}: must not exceed rtirq.prioHigh (${profile.rtirq.prioHigh})`,
      });
    }
  });

export type Profile = z.infer<typeof profileSchema>;
export type ProfileSection = Exclude<keyof Profile, '$schema' | 'version' | 'name' | 'description'>;

/** The JSON Schema written to profiles/profile.schema.json. */
export function profileJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...generated,
    title: 'ArchibaldOS audio profile',
    description: 'Generated from src/profile/schema.ts by `archibald profile schema`; do not edit by hand.',
  };
}
