/**
 * The pure core of xrun forensics: given the sampled snapshots around an xrun and the ones before
 * it (the usual rates), rank what could have made the graph miss its deadline. Numeric and
 * deterministic, so it is tested against built snapshots, not against a machine.
 *
 * Order of suspicion: a real-time task at or above the audio thread's priority that ran on the
 * audio CPU (it preempts the graph outright); an IRQ line well above its usual rate there; the CPU
 * clock changing; a real-time task below the audio priority that hogged the CPU (it starves the
 * graph's clients); and last, a machine where nobody holds /dev/cpu_dma_latency. Normal
 * (SCHED_OTHER) tasks are never named: they cannot preempt a SCHED_FIFO thread.
 */
import { isRealtimePolicy, policyName } from '../../../linux/index.js';
import { REMEDIES, type AudioThread, type Suspect, type XrunAttribution } from './contract.js';

export interface TaskSample {
  tid: number;
  pid: number;
  comm: string;
  policy: number;
  rtPriority: number;
  /** CPU it last ran on. */
  cpu: number;
  /** schedstat: nanoseconds on a CPU since it started. */
  runNs: number;
  /** Seconds since boot at which it started (stat field 22), to know a task born inside a window. */
  startS: number;
}

export interface IrqSample {
  /** "16", or "LOC", "RES", … for the per-CPU counters. */
  line: string;
  devices: string[];
  perCpu: number[];
}

export interface Snapshot {
  /** CLOCK_MONOTONIC nanoseconds (the profiler's clock). */
  monoNs: number;
  /** Seconds since boot (/proc/uptime), to compare with task start times. */
  uptimeS: number;
  timeMs: number;
  irqs: IrqSample[];
  tasks: Map<number, TaskSample>;
  /** scaling_cur_freq per CPU, kHz; null where cpufreq is absent. */
  frequencyKhz: Array<number | null>;
  /** The effective cpu_dma_latency request (µs), null when unreadable; sampled less often. */
  dmaLatencyUs: number | null;
  /** Exit latency of the deepest enabled cpuidle state (µs), null without cpuidle: what an unheld request can cost. */
  idleExitLatencyUs: number | null;
}

export interface XrunEvent {
  /** Seconds since the monitor started. */
  atS: number;
  /** CLOCK_MONOTONIC nanoseconds of the cycle. */
  monoNs: number;
  timeMs: number;
  lateNodes: string[];
  wakeLateUs: number | null;
  /** Nanoseconds per period (quantum / rate), to judge what "ran a lot" means. */
  periodNs: number;
}

export interface AttributionInput {
  xrun: XrunEvent;
  before: Snapshot | null;
  after: Snapshot | null;
  /** Older snapshots (oldest first), for the usual IRQ rates. */
  history: readonly Snapshot[];
  /** Threads of the audio daemon (and its clients) that must not suspect themselves. */
  audioTids: ReadonlySet<number>;
  audio: AudioThread | null;
  /** Device names that belong to audio (snd_*, xhci for USB interfaces): an IRQ shared with them is worse. */
  audioDeviceNames?: readonly RegExp[];
}

const DEFAULT_AUDIO_DEVICES = [/^snd/, /xhci/, /ehci/, /ohci/, /uhci/, /usb/];
/** A line counts as a storm at this many times its usual rate and at least this many more per second. */
const STORM_FACTOR = 4;
const STORM_MIN_EXTRA_PER_S = 200;
/** An unheld cpu_dma_latency matters only where idle states take this long to leave (µs). */
const DEEP_IDLE_US = 20;
/** A real-time task below the audio priority is named only when it held the audio CPU this much. */
const HOG_SHARE = 0.5;

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPUs the audio thread was on at either edge of the window; all CPUs when it is unknown. */
export function audioCpusOf(input: Pick<AttributionInput, 'before' | 'after' | 'audio'>, cpuCount: number): number[] {
  const cpus = new Set<number>();
  if (input.audio !== null) {
    for (const snapshot of [input.before, input.after]) {
      const task = snapshot?.tasks.get(input.audio.tid);
      if (task !== undefined) cpus.add(task.cpu);
    }
  }
  if (cpus.size === 0) for (let cpu = 0; cpu < cpuCount; cpu++) cpus.add(cpu);
  return [...cpus].sort((a, b) => a - b);
}

function taskSuspects(input: AttributionInput, before: Snapshot, after: Snapshot, audioCpus: readonly number[], windowNs: number): Suspect[] {
  const audioPriority = input.audio?.rtPriority ?? 0;
  // Below a period's worth (or 0.5 % of the window) a task was only passing through.
  const minRunNs = Math.max(input.xrun.periodNs, windowNs * 0.005);
  const suspects: Suspect[] = [];
  for (const task of after.tasks.values()) {
    if (input.audioTids.has(task.tid) || !isRealtimePolicy(task.policy)) continue;
    const earlier = before.tasks.get(task.tid);
    const runBefore = earlier?.runNs ?? (task.startS >= before.uptimeS - 0.01 ? 0 : null);
    if (runBefore === null) continue; // watched only since this window: no honest delta
    const ranNs = task.runNs - runBefore;
    const onAudioCpu = audioCpus.includes(task.cpu) || (earlier !== undefined && audioCpus.includes(earlier.cpu));
    if (!onAudioCpu || ranNs < minRunNs) continue;
    const share = ranNs / windowNs;
    const above = task.rtPriority >= audioPriority;
    if (!above && share < HOG_SHARE) continue;
    const irqThread = task.comm.startsWith('irq/');
    const policy = policyName(task.policy);
    const score = above ? 0.6 + 0.4 * Math.min(1, share) : 0.2 + 0.1 * Math.min(1, share);
    const relation = input.audio === null ? 'real-time' : above ? `at or above the audio thread’s ${input.audio.policy} ${audioPriority}` : `below the audio thread’s ${audioPriority}, but hogging its CPU`;
    suspects.push({
      rank: 0,
      kind: 'rt-task',
      score: round(score),
      summary: `${task.comm} (pid ${task.pid}${task.tid === task.pid ? '' : `, thread ${task.tid}`}) ran ${round(ranNs / 1e6, 1)} ms on CPU ${task.cpu} at ${policy} ${task.rtPriority}, ${relation}`,
      evidence: [
        `/proc/${task.pid}/task/${task.tid}/schedstat: +${round(ranNs / 1e6, 2)} ms on a CPU in ${round(windowNs / 1e6, 0)} ms (${round(share * 100, 1)} %)`,
        `/proc/${task.pid}/task/${task.tid}/stat: ${policy} priority ${task.rtPriority}, last on CPU ${task.cpu}; audio CPUs ${audioCpus.join(',')}`,
      ],
      task: { pid: task.pid, tid: task.tid, comm: task.comm, policy, rtPriority: task.rtPriority, cpu: task.cpu, runMs: round(ranNs / 1e6, 3), share: round(share, 4) },
      remedy: irqThread ? REMEDIES.irqThread : REMEDIES.rtTask,
    });
  }
  return suspects;
}

function countOn(sample: IrqSample | undefined, cpus: readonly number[]): number | null {
  if (sample === undefined) return null;
  let sum = 0;
  for (const cpu of cpus) sum += sample.perCpu[cpu] ?? 0;
  return sum;
}

function irqSuspects(input: AttributionInput, before: Snapshot, after: Snapshot, audioCpus: readonly number[], windowNs: number): Suspect[] {
  const oldest = input.history.find((s) => s.monoNs < before.monoNs) ?? null;
  const beforeByLine = new Map(before.irqs.map((irq) => [irq.line, irq]));
  const oldestByLine = new Map((oldest?.irqs ?? []).map((irq) => [irq.line, irq]));
  const audioNames = input.audioDeviceNames ?? DEFAULT_AUDIO_DEVICES;
  const suspects: Suspect[] = [];
  for (const irq of after.irqs) {
    const start = countOn(beforeByLine.get(irq.line), audioCpus);
    const end = countOn(irq, audioCpus);
    if (start === null || end === null || end < start) continue;
    const count = end - start;
    const perSecond = count / (windowNs / 1e9);
    const base = oldest === null ? null : countOn(oldestByLine.get(irq.line), audioCpus);
    const baseSpanS = oldest === null ? 0 : (before.monoNs - oldest.monoNs) / 1e9;
    // Without a usual rate to compare against there is no storm to speak of.
    if (base === null || baseSpanS < 1 || start < base) continue;
    const usualPerSecond = (start - base) / baseSpanS;
    if (perSecond < usualPerSecond * STORM_FACTOR || perSecond - usualPerSecond < STORM_MIN_EXTRA_PER_S) continue;
    const numbered = /^\d+$/.test(irq.line);
    const shared = numbered && irq.devices.length > 1 && irq.devices.some((device) => audioNames.some((name) => name.test(device)));
    const ratio = usualPerSecond > 0 ? perSecond / usualPerSecond : STORM_FACTOR * 10;
    const label = numbered ? `IRQ ${irq.line} (${irq.devices.join(', ') || 'no device'})` : `${irq.line} (${irq.devices.join(' ') || 'per-CPU interrupts'})`;
    suspects.push({
      rank: 0,
      kind: 'irq-line',
      score: round(0.3 + 0.25 * Math.min(1, (ratio - STORM_FACTOR) / 20) + (shared ? 0.05 : 0)),
      summary: `${label}: ${Math.round(perSecond)}/s on CPU ${audioCpus.join(',')} against a usual ${Math.round(usualPerSecond)}/s${shared ? ', on a line shared with the audio device' : ''}`,
      evidence: [`/proc/interrupts: +${count} on CPU ${audioCpus.join(',')} in ${round(windowNs / 1e6, 0)} ms; ${Math.round(usualPerSecond)}/s over the ${round(baseSpanS, 1)} s before`],
      irq: { line: irq.line, devices: irq.devices, count, perSecond: round(perSecond, 1), usualPerSecond: round(usualPerSecond, 1), sharedWithAudio: shared },
      remedy: shared ? REMEDIES.sharedIrq : numbered ? REMEDIES.irqStorm : REMEDIES.timerTick,
    });
  }
  return suspects;
}

function frequencySuspects(before: Snapshot, after: Snapshot, audioCpus: readonly number[]): Suspect[] {
  const suspects: Suspect[] = [];
  for (const cpu of audioCpus) {
    const from = before.frequencyKhz[cpu] ?? null;
    const to = after.frequencyKhz[cpu] ?? null;
    // A few percent is measurement noise of scaling_cur_freq on hardware-managed P-states.
    if (from === null || to === null || from <= 0 || Math.abs(to - from) / from < 0.05) continue;
    suspects.push({
      rank: 0,
      kind: 'cpu-frequency',
      score: to < from ? 0.35 : 0.3,
      summary: `CPU ${cpu} changed clock from ${Math.round(from / 1000)} MHz to ${Math.round(to / 1000)} MHz around the xrun`,
      evidence: [`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq: ${from} → ${to} kHz`],
      frequency: { cpu, fromKhz: from, toKhz: to },
      remedy: REMEDIES.cpuFrequency,
    });
  }
  return suspects;
}

export function attributeXrun(input: AttributionInput): XrunAttribution {
  const { xrun, before, after } = input;
  const base = { atS: xrun.atS, timeMs: xrun.timeMs, lateNodes: xrun.lateNodes, wakeLateUs: xrun.wakeLateUs, audio: input.audio };
  if (before === null || after === null || after.monoNs <= before.monoNs) {
    return { ...base, windowMs: 0, audioCpus: [], suspects: [], note: 'the sampler had no sample on both sides of this xrun (it started or stopped around it)' };
  }
  const cpuCount = Math.max(after.frequencyKhz.length, ...after.irqs.map((irq) => irq.perCpu.length), 1);
  const audioCpus = audioCpusOf(input, cpuCount);
  const windowNs = after.monoNs - before.monoNs;
  const suspects = [...taskSuspects(input, before, after, audioCpus, windowNs), ...irqSuspects(input, before, after, audioCpus, windowNs), ...frequencySuspects(before, after, audioCpus)];
  const dma = after.dmaLatencyUs ?? before.dmaLatencyUs;
  const idleExitUs = after.idleExitLatencyUs ?? before.idleExitLatencyUs;
  // Where the deepest idle state is left in a microsecond (VMs, idle=poll), nobody needs to hold it.
  if (dma !== null && dma >= 100 && idleExitUs !== null && idleExitUs >= DEEP_IDLE_US) {
    suspects.push({
      rank: 0,
      kind: 'dma-latency',
      score: 0.1,
      summary: `nobody holds /dev/cpu_dma_latency below 100 µs (it reads ${dma >= 2e9 ? 'unconstrained' : `${dma} µs`}): idle CPUs may sleep deep and wake late`,
      evidence: [`/dev/cpu_dma_latency: ${dma}`, `/sys/devices/system/cpu/cpu*/cpuidle: the deepest enabled state takes ${idleExitUs} µs to leave`],
      dmaLatencyUs: dma,
      remedy: REMEDIES.dmaLatency,
    });
  }
  suspects.sort((a, b) => b.score - a.score || (b.task?.runMs ?? 0) - (a.task?.runMs ?? 0));
  suspects.forEach((suspect, i) => (suspect.rank = i + 1));
  return { ...base, windowMs: round(windowNs / 1e6, 1), audioCpus, suspects, note: null };
}

/** The label under which summaries count a first suspect. */
export function suspectLabel(suspect: Suspect): string {
  if (suspect.task !== undefined) return `${suspect.task.comm} (pid ${suspect.task.pid})`;
  if (suspect.irq !== undefined) return /^\d+$/.test(suspect.irq.line) ? `IRQ ${suspect.irq.line}` : suspect.irq.line;
  if (suspect.frequency !== undefined) return `CPU ${suspect.frequency.cpu} frequency`;
  return 'cpu_dma_latency not held';
}
