/**
 * Adapter: the forensics sampler. A few times a second it takes a cheap snapshot of what can make
 * the audio thread miss its deadline, into the session's ring buffer:
 *   - per-CPU interrupt counters (/proc/interrupts, one read);
 *   - stat + schedstat of the real-time tasks only (a SCHED_OTHER task cannot preempt the
 *     SCHED_FIFO audio thread, so it is never a suspect and never read at that rate);
 *   - the clock of each CPU (cpufreq scaling_cur_freq, where there is cpufreq).
 * Once a second a census walks every task's stat (threads only of multi-threaded processes) to
 * learn which tasks are real-time now, finds the audio thread again if it went, and reads
 * /dev/cpu_dma_latency. The expensive part, per xrun, is in the pure session: the attribution,
 * and reading the suspect's command line, once per window.
 *
 * All reads are synchronous through System's procReader (one reused buffer, about 10 µs each):
 * the async path costs ~90 µs of CPU per file, which at this rate would be the whole budget.
 */
import { isRealtimePolicy, parseDmaLatency, parseFrequencyKhz, parseInterrupts, parseSchedStat, parseTaskStat, policyName, type TaskStat } from '../../../linux/index.js';
import { procReader, type ProcReader } from '../../../system/index.js';
import type { IrqSample, Snapshot, TaskSample, XrunEvent } from './attribute.js';
import type { AudioThread, ForensicsSummary, XrunAttribution } from './contract.js';
import { ForensicsSession } from './session.js';

export const DEFAULT_SAMPLE_HZ = 5;
/** Census every this many samples (1 s at 5 Hz). */
const CENSUS_EVERY = 5;
/** USER_HZ: 100 on every architecture Linux runs audio on. */
const CLOCK_TICKS = 100;

export interface SamplerOptions {
  backend: 'pipewire' | 'jack';
  sampleHz?: number;
  /** Where /proc and /sys are (tests point it at a fixture tree); default "/". */
  root?: string;
  /** For PipeWire: the daemon's socket, to tell several pipewire processes apart. */
  socketPath?: string | null;
  /** For JACK: the server name, to tell several jackd apart. */
  jackServer?: string;
  /** Called with each attribution as it is made (the Live page's markers). */
  onAttribution?: (attribution: XrunAttribution) => void;
  /** Start the timer (default true); false for callers that drive sample() themselves (the bench). */
  timer?: boolean;
}

export interface ForensicsSampler {
  /** Feed an xrun from the monitor (cheap: the work happens once per window). */
  addXrun(xrun: XrunEvent): void;
  /** Take one snapshot now (the timer does this at sampleHz). */
  sample(): void;
  /** The audio thread the sampler watches, null while none is found. */
  audio(): AudioThread | null;
  summary(): ForensicsSummary;
  /** Stops the timer and attributes what is still pending; the summary stays readable. */
  stop(): ForensicsSummary;
}

interface AudioProcess {
  pid: number;
  thread: AudioThread;
}

const numeric = (name: string): boolean => name.length > 0 && name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57;

function toTaskSample(pid: number, stat: TaskStat, runNs: number): TaskSample {
  return { tid: stat.pid, pid, comm: stat.comm, policy: stat.policy, rtPriority: stat.rtPriority, cpu: stat.processor, runNs, startS: stat.startTicks / CLOCK_TICKS };
}

export function startForensicsSampler(options: SamplerOptions): ForensicsSampler {
  const proc: ProcReader = procReader();
  const root = options.root === undefined || options.root === '/' ? '' : options.root.replace(/\/$/, '');
  const at = (file: string): string => `${root}${file}`;
  const sampleHz = options.sampleHz ?? DEFAULT_SAMPLE_HZ;
  const selfPid = process.pid;

  /** tid -> pid of the real-time tasks found by the last census (plus the audio thread). */
  let watched = new Map<number, number>();
  let audioProcess: AudioProcess | null = null;
  let audioTids = new Set<number>();
  let dmaLatencyUs: number | null = null;
  let frequencyFiles: string[] | null = null;
  let note: string | null = null;
  let ticks = 0;
  let cpuMicros = 0;
  const startedAt = performance.now();
  const commands = new Map<number, string | null>();

  const session = new ForensicsSession(
    {
      audio: () => audioProcess?.thread ?? null,
      audioTids: () => audioTids,
      command: (pid) => {
        if (commands.has(pid)) return commands.get(pid)!;
        const read = proc.text(at(`/proc/${pid}/cmdline`), 4096);
        const command = read.ok && read.value !== '' ? read.value.replace(/\0+$/, '').replace(/\0/g, ' ') : null;
        commands.set(pid, command);
        return command;
      },
    },
    { sampleHz },
  );

  const readTask = (pid: number, tid: number): TaskSample | null => {
    const dir = pid === tid ? `/proc/${pid}` : `/proc/${pid}/task/${tid}`;
    const statText = proc.text(at(`${dir}/stat`), 1024);
    if (!statText.ok) return null;
    const stat = parseTaskStat(statText.value);
    if (!stat.ok) return null;
    const schedText = proc.text(at(`${dir}/schedstat`), 128);
    const sched = schedText.ok ? parseSchedStat(schedText.value) : null;
    // Without schedstat (CONFIG_SCHED_INFO off) utime+stime in ticks is the coarse fallback.
    const runNs = sched?.ok === true ? sched.value.runNs : ((stat.value.utime + stat.value.stime) * 1e9) / CLOCK_TICKS;
    return toTaskSample(pid, stat.value, runNs);
  };

  /** pid -> whether it maps the audio server's client library; keyed with its start time against pid reuse. */
  const clientCache = new Map<number, { startTicks: number; client: boolean }>();
  const clientLibrary = options.backend === 'jack' ? 'libjack' : 'libpipewire-';
  const isGraphClient = (pid: number): boolean => {
    const statText = proc.text(at(`/proc/${pid}/stat`), 1024);
    const stat = statText.ok ? parseTaskStat(statText.value) : null;
    const startTicks = stat?.ok === true ? stat.value.startTicks : -1;
    const cached = clientCache.get(pid);
    if (cached !== undefined && cached.startTicks === startTicks) return cached.client;
    // Read once per process: maps is long, but only real-time processes are ever asked.
    const maps = proc.text(at(`/proc/${pid}/maps`), 4 * 1024 * 1024);
    const client = maps.ok && maps.value.includes(clientLibrary);
    clientCache.set(pid, { startTicks, client });
    return client;
  };

  const isAudioProcess = (comm: string): boolean => (options.backend === 'jack' ? comm === 'jackd' || comm === 'jackdbus' : comm === 'pipewire');

  /** Which of several candidate daemons owns the socket we watch: its listening inode among its fds. */
  const socketOwner = (candidates: number[]): number | null => {
    if (candidates.length === 1) return candidates[0]!;
    if (options.backend === 'jack' && options.jackServer !== undefined) {
      for (const pid of candidates) {
        const cmdline = proc.text(at(`/proc/${pid}/cmdline`), 4096);
        if (cmdline.ok && cmdline.value.split('\0').includes(options.jackServer)) return pid;
      }
      return null;
    }
    if (options.socketPath === undefined || options.socketPath === null) return null;
    const unix = proc.text(at('/proc/net/unix'), 4 * 1024 * 1024);
    if (!unix.ok) return null;
    const inodes = new Set<string>();
    for (const line of unix.value.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length >= 8 && fields[7] === options.socketPath) inodes.add(`socket:[${fields[6]}]`);
    }
    for (const pid of candidates) {
      const fds = proc.list(at(`/proc/${pid}/fd`));
      if (!fds.ok) continue;
      for (const fd of fds.value) {
        const link = proc.link(at(`/proc/${pid}/fd/${fd}`));
        if (link.ok && inodes.has(link.value)) return pid;
      }
    }
    return null;
  };

  /** The audio thread of a daemon: PipeWire's data loop ("data-loop.0" on 1.x, the RT thread on 0.3), jackd's RT thread. */
  const audioThreadOf = (pid: number, threads: TaskSample[]): AudioProcess | null => {
    const rt = threads.filter((task) => isRealtimePolicy(task.policy));
    const named = rt.find((task) => task.comm.startsWith('data-loop')) ?? rt.sort((a, b) => b.rtPriority - a.rtPriority)[0];
    if (named === undefined) return null;
    return { pid, thread: { pid, tid: named.tid, comm: named.comm, rtPriority: named.rtPriority, policy: policyName(named.policy) } };
  };

  const census = (): Map<number, TaskSample> => {
    const tasks = new Map<number, TaskSample>();
    const nextWatched = new Map<number, number>();
    const candidates = new Map<number, TaskSample[]>();
    const pids = proc.list(at('/proc'));
    if (!pids.ok) {
      note = `cannot list /proc: ${pids.message}`;
      return tasks;
    }
    for (const name of pids.value) {
      if (!numeric(name)) continue;
      const pid = Number(name);
      const statText = proc.text(at(`/proc/${pid}/stat`), 1024);
      if (!statText.ok) continue;
      const stat = parseTaskStat(statText.value);
      if (!stat.ok) continue;
      const audioCandidate = isAudioProcess(stat.value.comm);
      const threads: TaskSample[] = [];
      if (stat.value.threads > 1 || audioCandidate) {
        const tids = proc.list(at(`/proc/${pid}/task`));
        for (const tidName of tids.ok ? tids.value : []) {
          const tid = Number(tidName);
          const statLine = proc.text(at(`/proc/${pid}/task/${tid}/stat`), 1024);
          const taskStat = statLine.ok ? parseTaskStat(statLine.value) : null;
          if (taskStat?.ok === true) threads.push(toTaskSample(pid, taskStat.value, 0));
        }
      } else threads.push(toTaskSample(pid, stat.value, 0));
      if (audioCandidate) candidates.set(pid, threads);
      for (const thread of threads) if (isRealtimePolicy(thread.policy)) nextWatched.set(thread.tid, pid);
    }
    const owner = socketOwner([...candidates.keys()]);
    const found = owner === null ? null : audioThreadOf(owner, candidates.get(owner) ?? []);
    if (found !== null) {
      audioProcess = found;
      audioTids = new Set([...(candidates.get(found.pid) ?? []).map((task) => task.tid)]);
      note = null;
    } else {
      audioProcess = null;
      audioTids = new Set();
      note =
        candidates.size === 0
          ? `no ${options.backend === 'jack' ? 'jackd' : 'pipewire'} process found: suspects are judged against all CPUs and priority 0`
          : owner === null
            ? `${candidates.size} ${options.backend === 'jack' ? 'jackd' : 'pipewire'} processes and none could be matched to the watched server`
            : 'the audio daemon has no real-time thread: nothing can be said about who preempted it';
    }
    const self = proc.list(at(`/proc/${selfPid}/task`));
    if (self.ok) for (const tid of self.value) audioTids.add(Number(tid));
    // The graph's own clients (a DAW, pw-play, tune's DSP client) run real-time too; when they are
    // slow it shows as a late node, so they are evidence of that kind, never a preempting suspect.
    const clientsSeen = new Set<number>();
    for (const [tid, pid] of nextWatched) {
      if (clientsSeen.has(pid) || isGraphClient(pid)) {
        clientsSeen.add(pid);
        audioTids.add(tid);
      }
    }
    // Real schedstat readings for the watched set (the census stat reads above carried none).
    for (const [tid, pid] of nextWatched) {
      const task = readTask(pid, tid);
      if (task !== null) tasks.set(tid, task);
    }
    watched = nextWatched;
    const dma = proc.bytes(at('/dev/cpu_dma_latency'), 4);
    const parsedDma = dma.ok ? parseDmaLatency(dma.value) : null;
    dmaLatencyUs = parsedDma?.ok === true ? parsedDma.value : null;
    return tasks;
  };

  const irqSamples = (): IrqSample[] => {
    const text = proc.text(at('/proc/interrupts'), 1024 * 1024);
    if (!text.ok) return [];
    const parsedIrqs = parseInterrupts(text.value);
    if (!parsedIrqs.ok) return [];
    return [
      ...parsedIrqs.value.lines.map((line) => ({ line: String(line.irq), devices: line.devices, perCpu: line.perCpu })),
      ...parsedIrqs.value.counters.map((counter) => ({ line: counter.name, devices: counter.description === '' ? [] : [counter.description], perCpu: counter.perCpu })),
    ];
  };

  const frequencies = (cpus: number): Array<number | null> => {
    if (frequencyFiles === null || frequencyFiles.length !== cpus) {
      frequencyFiles = Array.from({ length: cpus }, (_, cpu) => at(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`));
    }
    return frequencyFiles.map((file) => {
      const read = proc.text(file, 64);
      const khz = read.ok ? parseFrequencyKhz(read.value) : null;
      return khz?.ok === true ? khz.value : null;
    });
  };

  /** The deepest enabled idle state's exit latency on CPU 0 (µs); read once, cpuidle states do not come and go. */
  const idleExitLatency = ((): number | null => {
    const states = proc.list(at('/sys/devices/system/cpu/cpu0/cpuidle'));
    if (!states.ok) return null;
    let deepest: number | null = null;
    for (const state of states.value) {
      if (!state.startsWith('state')) continue;
      const disabled = proc.text(at(`/sys/devices/system/cpu/cpu0/cpuidle/${state}/disable`), 16);
      if (disabled.ok && disabled.value.trim() === '1') continue;
      const latency = proc.text(at(`/sys/devices/system/cpu/cpu0/cpuidle/${state}/latency`), 32);
      const us = latency.ok ? Number(latency.value.trim()) : NaN;
      if (Number.isFinite(us)) deepest = Math.max(deepest ?? 0, us);
    }
    return deepest;
  })();

  const uptimeS = (): number => {
    const read = proc.text(at('/proc/uptime'), 128);
    const value = read.ok ? Number(read.value.split(' ')[0]) : NaN;
    return Number.isFinite(value) ? value : 0;
  };

  const sample = (): void => {
    const cpu0 = process.cpuUsage();
    const monoNs = Number(process.hrtime.bigint());
    const timeMs = Date.now();
    let tasks: Map<number, TaskSample>;
    if (ticks % CENSUS_EVERY === 0) tasks = census();
    else {
      tasks = new Map();
      for (const [tid, pid] of watched) {
        const task = readTask(pid, tid);
        if (task !== null) tasks.set(tid, task);
      }
    }
    ticks++;
    const irqs = irqSamples();
    const cpus = Math.max(1, ...irqs.map((irq) => irq.perCpu.length));
    const snapshot: Snapshot = { monoNs, uptimeS: uptimeS(), timeMs, irqs, tasks, frequencyKhz: frequencies(cpus), dmaLatencyUs, idleExitLatencyUs: idleExitLatency };
    const made = session.addSnapshot(snapshot);
    for (const attribution of made) options.onAttribution?.(attribution);
    const used = process.cpuUsage(cpu0);
    cpuMicros += used.user + used.system;
  };

  const cpuPercent = (): number => {
    const wallMs = performance.now() - startedAt;
    return wallMs > 0 ? (cpuMicros / 1000 / wallMs) * 100 : 0;
  };

  let timer: NodeJS.Timeout | null = null;
  if (options.timer ?? true) {
    timer = setInterval(sample, Math.round(1000 / sampleHz));
    timer.unref();
  }
  sample();
  let final: ForensicsSummary | null = null;

  return {
    addXrun(xrun) {
      if (final !== null) return;
      const made = session.addXrun(xrun);
      if (made !== null) options.onAttribution?.(made);
    },
    sample,
    audio: () => audioProcess?.thread ?? null,
    summary: () => final ?? session.summary(cpuPercent(), note),
    stop() {
      if (final !== null) return final;
      if (timer !== null) clearInterval(timer);
      // One last snapshot closes the window of xruns seen since the previous one.
      sample();
      for (const attribution of session.finish()) options.onAttribution?.(attribution);
      final = session.summary(cpuPercent(), note);
      return final;
    },
  };
}



