/**
 * Xrun forensics, the document: for each xrun, the window around it and a ranked list of suspects
 * with their evidence and, where one applies, the doctor check and the Nix option that address it.
 * One zod schema per document; `bench xruns --json` embeds it as `forensics`, tune and the Live page
 * carry single attributions.
 */
import { z } from 'zod';

export const SUSPECT_KINDS = ['rt-task', 'irq-line', 'cpu-frequency', 'dma-latency'] as const;

export const remedySchema = z.object({
  /** A doctor check id (`archibald doctor --only ID`). */
  check: z.string(),
  /** The archibald.* (or NixOS) option that addresses it. */
  option: z.string(),
  note: z.string(),
});

export const suspectTaskSchema = z.object({
  pid: z.number().int().positive(),
  tid: z.number().int().positive(),
  comm: z.string(),
  /** The process's command line (/proc/<pid>/cmdline, read on the xrun), null when it had gone. */
  command: z.string().nullable().optional(),
  policy: z.string(),
  rtPriority: z.number().int().min(0).max(99),
  /** The CPU it was last seen on. */
  cpu: z.number().int().min(0),
  /** CPU time it used in the window, milliseconds. */
  runMs: z.number().min(0),
  /** runMs over the window's length. */
  share: z.number().min(0),
});

export const suspectIrqSchema = z.object({
  /** The line number ("16") or the per-CPU counter's name ("LOC", "RES"). */
  line: z.string(),
  devices: z.array(z.string()),
  /** Interrupts on the audio CPUs in the window. */
  count: z.number().int().min(0),
  perSecond: z.number().min(0),
  /** Rate on the same CPUs over the rest of the ring buffer. */
  usualPerSecond: z.number().min(0),
  sharedWithAudio: z.boolean(),
});

export const suspectSchema = z.object({
  rank: z.number().int().positive(),
  kind: z.enum(SUSPECT_KINDS),
  /** 0..1, for ordering and display; rt-task at or above the audio priority always outranks the rest. */
  score: z.number().min(0).max(1),
  summary: z.string(),
  evidence: z.array(z.string()),
  task: suspectTaskSchema.optional(),
  irq: suspectIrqSchema.optional(),
  frequency: z.object({ cpu: z.number().int().min(0), fromKhz: z.number(), toKhz: z.number() }).optional(),
  dmaLatencyUs: z.number().nullable().optional(),
  remedy: remedySchema.nullable(),
});

export const audioThreadSchema = z.object({
  pid: z.number().int().positive(),
  tid: z.number().int().positive(),
  comm: z.string(),
  rtPriority: z.number().int().min(0).max(99),
  policy: z.string(),
});

export const xrunAttributionSchema = z.object({
  /** Seconds since the monitor started (as in bench xruns' xrunTimesS). */
  atS: z.number(),
  /** Wall-clock time of the xrun, Unix epoch milliseconds. */
  timeMs: z.number(),
  /** The sampled window around the xrun: the sample before it and the one after, milliseconds. */
  windowMs: z.number().min(0),
  /** Nodes the profiler found unfinished in that cycle, and how late the driver woke (µs, null if on time or unknown). */
  lateNodes: z.array(z.string()),
  wakeLateUs: z.number().nullable(),
  audio: audioThreadSchema.nullable(),
  /** CPUs the audio thread ran on around the xrun: where a competitor hurts. */
  audioCpus: z.array(z.number().int().min(0)),
  suspects: z.array(suspectSchema),
  /** Why nothing could be said, when the window was not sampled. */
  note: z.string().nullable(),
});

export const forensicsSummarySchema = z.object({
  version: z.literal(1),
  sampleHz: z.number().positive(),
  samples: z.number().int().min(0),
  xruns: z.number().int().min(0),
  attributed: z.number().int().min(0),
  /** Xruns with at least one suspect. */
  explained: z.number().int().min(0),
  /** Attributions kept in `attributions` (the first ones; the counts cover all). */
  truncated: z.boolean(),
  /** Who came first how often, best first. */
  firstSuspects: z.array(z.object({ label: z.string(), kind: z.enum(SUSPECT_KINDS), xruns: z.number().int().positive(), remedy: remedySchema.nullable() })),
  /** The sampler's own CPU time over the session, % of one core (on top of the monitor's). */
  cpuPercent: z.number().min(0),
  /** Why the sampler saw less than it should (no audio thread found, /proc unreadable), or null. */
  note: z.string().nullable().optional(),
  attributions: z.array(xrunAttributionSchema),
});

export type Remedy = z.infer<typeof remedySchema>;
export type Suspect = z.infer<typeof suspectSchema>;
export type SuspectKind = (typeof SUSPECT_KINDS)[number];
export type AudioThread = z.infer<typeof audioThreadSchema>;
export type XrunAttribution = z.infer<typeof xrunAttributionSchema>;
export type ForensicsSummary = z.infer<typeof forensicsSummarySchema>;

/**
 * What addresses each finding. Ids are the doctor's (src/doctor/checks), options the distribution's
 * (nix/modules/audio); kept here as a small table so forensics does not load the doctor.
 */
export const REMEDIES = {
  rtTask: {
    check: 'isolated-cpus',
    option: 'archibald.audio.kernel.isolatedCpus',
    note: 'keep other real-time work off the audio CPU, or run it below PipeWire’s priority (chrt -f -p N PID)',
  },
  irqThread: {
    check: 'rtirq',
    option: 'archibald.audio.rtirq.nameList',
    note: 'put the sound card’s IRQ first in rtirq’s name list so its thread outranks this one',
  },
  sharedIrq: {
    check: 'irq-sharing',
    option: 'archibald.audio.rtirq.nameList',
    note: 'the line is shared with the audio device: move one of them (MSI, another port or slot) and raise the audio IRQ with rtirq',
  },
  irqStorm: {
    check: 'rtirq',
    option: 'archibald.audio.rtirq.nameList',
    note: 'raise the audio IRQ above this one with rtirq, or steer this line away from the audio CPU (isolated CPUs)',
  },
  timerTick: {
    check: 'isolated-cpus',
    option: 'archibald.audio.kernel.isolatedCpus',
    note: 'an isolated audio CPU (nohz_full, rcu_nocbs) takes far fewer timer and IPI interrupts',
  },
  cpuFrequency: {
    check: 'cpu-governor',
    option: 'archibald.audio.cpu.governor',
    note: 'the clock changed under the audio thread: the performance governor holds it',
  },
  dmaLatency: {
    check: 'power-management',
    option: 'archibald.audio.timerAccess.enable',
    note: 'nobody holds /dev/cpu_dma_latency, so CPUs may sleep in deep C-states; let the DAW or a service hold it',
  },
} as const satisfies Record<string, Remedy>;
