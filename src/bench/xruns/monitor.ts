/**
 * The live graph monitor: clock rate, quantum, DSP load and xruns of the running PipeWire graph (or
 * jackd), one sample per interval. `bench xruns` and the console's Live page both consume it.
 *
 * PipeWire: a read-only client of the daemon's profiler module (see protocol.ts), no helper process.
 * JACK: a tiny libjack client that reports the server's xrun callbacks (see jack-source.ts).
 */
import { XrunAccumulator, type CycleXrun, type IntervalStats, type SessionTotals } from './analysis.js';
import type { XrunEvent } from './forensics/attribute.js';
import type { ForensicsSummary, XrunAttribution } from './forensics/contract.js';
import type { ForensicsSampler } from './forensics/sampler.js';
import { JackSession } from './jack.js';

export interface GraphSample {
  /** Wall-clock time of the sample, Unix epoch milliseconds. */
  timeMs: number;
  rate: number;
  quantum: number;
  /** Mean over the interval of busy/period of the driver, 0..1 (above 1 = the cycle overran). */
  dspLoad: number;
  /** Xruns since the monitor started. */
  xrunsTotal: number;
  driver: string;
  /** Highest single-cycle load in the interval. */
  dspLoadMax?: number;
  /** Driver cycles since the monitor started. */
  cyclesTotal?: number;
  /** Xruns within this interval. */
  xruns?: number;
  /** False when no driver cycle ran in the interval (an idle PipeWire graph suspends its driver). */
  running?: boolean;
  /** With forensics on: the xruns attributed since the previous sample (at most a few, newest last). */
  attributions?: XrunAttribution[];
}

export interface GraphMonitor {
  samples: AsyncIterable<GraphSample>;
  latest(): GraphSample | null;
  stop(): Promise<void>;
  /** Added for bench xruns (optional for other consumers): whole-session numbers so far. */
  totals(): SessionTotals;
  /** Resolves when the data source ends; with the reason when that was not stop(). */
  closed: Promise<string | null>;
  /** Helper processes the monitor runs (for CPU accounting); empty for PipeWire. */
  helperPids(): number[];
  backend: 'pipewire' | 'jack';
  /** With forensics on: why each xrun happened, so far (after stop(): the whole session); else null. */
  forensics(): ForensicsSummary | null;
}

export interface GraphMonitorOptions {
  backend: 'pipewire' | 'jack';
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
  /** Sample the machine a few times a second and attribute every xrun (see forensics/). */
  forensics?: boolean | { sampleHz?: number };
}

/** Attributions carried per live sample, and suspects in each: enough for the Live page, and 10 minutes of history stays a few MB in an xrun storm. */
const ATTRIBUTIONS_PER_SAMPLE = 1;
const SUSPECTS_PER_LIVE_ATTRIBUTION = 3;

/** Keeps late subscribers from piling up unbounded samples if they stop reading. */
const MAX_QUEUED = 600;

/** A broadcast async iterable: each `for await` gets every sample pushed after it started. */
class SampleHub {
  private readonly subscribers = new Set<{ queue: GraphSample[]; wake: (() => void) | null }>();
  private ended = false;

  push(sample: GraphSample): void {
    for (const sub of this.subscribers) {
      sub.queue.push(sample);
      if (sub.queue.length > MAX_QUEUED) sub.queue.shift();
      sub.wake?.();
    }
  }

  end(): void {
    this.ended = true;
    for (const sub of this.subscribers) sub.wake?.();
  }

  iterable(): AsyncIterable<GraphSample> {
    return {
      [Symbol.asyncIterator]: () => {
        const sub = { queue: [] as GraphSample[], wake: null as (() => void) | null };
        this.subscribers.add(sub);
        return {
          next: async (): Promise<IteratorResult<GraphSample>> => {
            while (sub.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (sub.wake = resolve));
            sub.wake = null;
            const value = sub.queue.shift();
            if (value === undefined) {
              this.subscribers.delete(sub);
              return { done: true, value: undefined };
            }
            return { done: false, value };
          },
          return: async (): Promise<IteratorResult<GraphSample>> => {
            this.subscribers.delete(sub);
            return { done: true, value: undefined };
          },
        };
      },
    };
  }
}

interface Source {
  takeInterval(): IntervalStats;
  totals(): SessionTotals;
  closed: Promise<string | null>;
  pids(): number[];
  stop(): Promise<void>;
}

type XrunSink = (xrun: XrunEvent) => void;

/** A cycle's xrun in the forensics' terms: its CLOCK_MONOTONIC time is also ours (one host). */
function cycleEvent(xrun: CycleXrun): XrunEvent {
  const nowNs = Number(process.hrtime.bigint());
  return { atS: xrun.atS, monoNs: xrun.clockNs, timeMs: Date.now() - (nowNs - xrun.clockNs) / 1e6, lateNodes: xrun.lateNodes, wakeLateUs: xrun.wakeLateUs, periodNs: xrun.periodNs };
}

async function pipewireSource(env: NodeJS.ProcessEnv, sink: () => XrunSink | null): Promise<Source> {
  const { connectProfiler } = await import('../../pipewire/profiler-socket.js');
  const accumulator = new XrunAccumulator((xrun) => sink()?.(cycleEvent(xrun)));
  const connection = await connectProfiler({
    env,
    onPoint: (point) => accumulator.add(point),
  });
  return {
    takeInterval: () => accumulator.takeInterval(),
    totals: () => accumulator.totals(),
    closed: connection.closed,
    pids: () => [],
    stop: () => connection.stop(),
  };
}

async function jackSource(env: NodeJS.ProcessEnv, intervalMs: number, sink: () => XrunSink | null): Promise<Source> {
  const { connectJack } = await import('./jack-source.js');
  const session = new JackSession();
  const startNs = Number(process.hrtime.bigint());
  let periodNs = 0;
  const connection = await connectJack({
    env,
    intervalMs,
    onLine: (line) => {
      session.add(line);
      if (line.kind === 'start' || line.kind === 'load') periodNs = (line.bufferSize / line.rate) * 1e9;
      const xruns = sink();
      // The watcher prints each xrun from the callback at once: arrival is the xrun's time.
      if (line.kind === 'xrun' && xruns !== null) {
        const monoNs = Number(process.hrtime.bigint());
        xruns({ atS: Math.round((monoNs - startNs) / 1e3) / 1e6, monoNs, timeMs: Date.now(), lateNodes: [], wakeLateUs: line.delayedUs > 0 ? Math.round(line.delayedUs) : null, periodNs });
      }
    },
  });
  return {
    takeInterval: () => session.takeInterval(),
    totals: () => session.totals(),
    closed: connection.closed,
    pids: () => [connection.pid],
    stop: () => connection.stop(),
  };
}

export async function startGraphMonitor(options: GraphMonitorOptions): Promise<GraphMonitor> {
  const env = options.env ?? process.env;
  const intervalMs = Math.max(50, options.intervalMs ?? 1000);
  let sampler: ForensicsSampler | null = null;
  let recent: XrunAttribution[] = [];
  const sink = (): XrunSink | null => (sampler === null ? null : (xrun) => sampler?.addXrun(xrun));
  const source = options.backend === 'jack' ? await jackSource(env, intervalMs, sink) : await pipewireSource(env, sink);
  if (options.forensics !== undefined && options.forensics !== false) {
    const { startForensicsSampler } = await import('./forensics/sampler.js');
    const { pipewireSocketPath } = await import('../../pipewire/profiler-socket.js');
    sampler = startForensicsSampler({
      backend: options.backend,
      sampleHz: typeof options.forensics === 'object' ? options.forensics.sampleHz : undefined,
      socketPath: options.backend === 'pipewire' ? pipewireSocketPath(env) : null,
      jackServer: env.JACK_DEFAULT_SERVER,
      onAttribution: (attribution) => {
        recent.push({ ...attribution, suspects: attribution.suspects.slice(0, SUSPECTS_PER_LIVE_ATTRIBUTION) });
        if (recent.length > ATTRIBUTIONS_PER_SAMPLE) recent.shift();
      },
    });
  }
  const hub = new SampleHub();
  let latest: GraphSample | null = null;
  let stopped = false;

  const tick = (): void => {
    const interval = source.takeInterval();
    const totals = source.totals();
    latest = {
      timeMs: Date.now(),
      rate: totals.rate,
      quantum: totals.quantum,
      dspLoad: interval.dspLoadMean,
      xrunsTotal: totals.xruns,
      driver: totals.driver,
      dspLoadMax: interval.dspLoadMax,
      cyclesTotal: totals.cycles,
      xruns: interval.xruns,
      running: interval.cycles > 0,
    };
    if (sampler !== null) {
      latest.attributions = recent;
      recent = [];
    }
    hub.push(latest);
  };
  const timer = setInterval(tick, intervalMs);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await source.stop();
    sampler?.stop();
    // The partial interval since the last tick is data too (a 3 s run would otherwise show 2 s).
    tick();
    hub.end();
  };
  const closed = source.closed.then((reason) => {
    if (!stopped) {
      stopped = true;
      clearInterval(timer);
      sampler?.stop();
      hub.end();
    }
    return reason;
  });

  return {
    samples: hub.iterable(),
    latest: () => latest,
    stop,
    totals: () => source.totals(),
    closed,
    helperPids: () => source.pids(),
    backend: options.backend,
    forensics: () => sampler?.summary() ?? null,
  };
}
