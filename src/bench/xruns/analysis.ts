/**
 * Turns per-cycle profiler points into the session's numbers: cycles, xruns (from the driver's own
 * counter, with the time each one was first seen), late wake-ups and DSP load. Pure and
 * incremental, so the live monitor and the bench share it and memory stays bounded.
 */
import type { ProfilerPoint } from '../../pipewire/protocol.js';

/** A driver woke this much later than one period after the previous wake-up (reported, not counted as an xrun). */
const LATE_FACTOR = 1.5;
/** A driver silent this long was suspended (idle graph), not running unobserved cycles. */
const IDLE_GAP_NS = 1e9;
/** Cap on stored xrun times: a broken setup can xrun on every cycle for ten minutes. */
export const MAX_XRUN_TIMES = 10_000;
const LOAD_BINS = 400;
const LOAD_BIN_WIDTH = 2 / LOAD_BINS;

interface DriverTrack {
  name: string;
  lastPosition: number;
  lastCount: number;
  lastClockNs: number;
  lastXrunCount: number | null;
  lastXrunClockNs: number;
  xruns: number;
  cycles: number;
}

export interface IntervalStats {
  cycles: number;
  xruns: number;
  lateCycles: number;
  dspLoadMean: number;
  dspLoadMax: number;
}

export interface SessionTotals {
  cycles: number;
  xruns: number;
  lateCycles: number;
  /** Seconds since the first point at which xruns were seen (one entry per xrun). */
  xrunTimesS: number[];
  xrunTimesTruncated: boolean;
  dspLoadMax: number;
  rate: number;
  quantum: number;
  driver: string;
  /** Cycles found incomplete (a node triggered but not finished), the main xrun evidence on 0.3.x. */
  incompleteCycles: number;
  /** Profiler reports lost before we read them (xruns in them are missed; cycles are not). */
  droppedReports: number;
  /** Nodes that were still running when their cycle was profiled, with how often. */
  lateNodes: Array<{ name: string; cycles: number }>;
  /** Mean and 99th percentile of the per-cycle DSP load over the session (0 when none was measured). */
  dspLoadMean: number;
  dspLoadP99: number;
  drivers: Array<{ id: number; name: string; cycles: number; xruns: number }>;
}

/** One xrun as the accumulator saw it, for forensics: the cycle's clock and what was late in it. */
export interface CycleXrun {
  /** CLOCK_MONOTONIC nanoseconds of the cycle (the daemon's clock, the same as ours on one host). */
  clockNs: number;
  /** Seconds since the first point (as in xrunTimesS). */
  atS: number;
  lateNodes: string[];
  /** How much later than one period after the previous wake-up the driver woke, µs; null if on time. */
  wakeLateUs: number | null;
  periodNs: number;
}

export class XrunAccumulator {
  constructor(private readonly onXrun?: (xrun: CycleXrun) => void) {}

  private readonly tracks = new Map<number, DriverTrack>();
  private startNs: number | null = null;
  private xrunTimes: number[] = [];
  private truncated = false;
  private lateCycles = 0;
  private incompleteCycles = 0;
  private droppedPoints = 0;
  private readonly lateNodes = new Map<string, number>();
  private dspLoadMax = 0;
  /** Per-cycle loads in 0.5 % bins up to 200 %: a percentile without keeping every cycle. */
  private readonly loadBins = new Uint32Array(LOAD_BINS);
  private loadSum = 0;
  private loadCount = 0;
  /** Copied, not kept: the decoder reuses its point object for every cycle. */
  private latest = { rate: 0, quantum: 0, driver: '' };
  private interval: { cycles: number; xruns: number; late: number; loadSum: number; loadCount: number; loadMax: number } = XrunAccumulator.emptyInterval();

  private static emptyInterval() {
    return { cycles: 0, xruns: 0, late: 0, loadSum: 0, loadCount: 0, loadMax: 0 };
  }

  /**
   * Feeds one profiler point; points of one driver arrive in order (one socket, one queue).
   *
   * The module reports a driver both when a cycle completes and when its timer fires while the
   * previous cycle is still running ("incomplete"), so one period can yield two points. Periods
   * are therefore counted from the driver's frame position, and an xrun is a period (a distinct
   * clock time) in which some node was found triggered but unfinished, or the driver's own xrun
   * counter moved. This is what pw-top's ERR column counts, per period instead of per node.
   */
  add(point: ProfilerPoint): void {
    if (this.startNs === null) this.startNs = point.clockNs;
    this.latest.rate = point.rate;
    this.latest.quantum = point.duration;
    this.latest.driver = point.driver.name;
    let track = this.tracks.get(point.driver.id);
    let newCycles = 0;
    let counterXruns = 0;
    const restarted = track !== undefined && (point.position < track.lastPosition || point.clockNs - track.lastClockNs > IDLE_GAP_NS);
    if (track === undefined || restarted) {
      // First sight of this driver, or it restarted or sat idle (suspended): new baseline, no cycles counted.
      const previous: DriverTrack | undefined = track;
      track = {
        name: point.driver.name,
        lastPosition: point.position,
        lastCount: point.count,
        lastClockNs: point.clockNs,
        lastXrunCount: point.xrunCount,
        lastXrunClockNs: -1,
        xruns: previous?.xruns ?? 0,
        cycles: previous?.cycles ?? 0,
      };
      this.tracks.set(point.driver.id, track);
      newCycles = previous === undefined ? 1 : 0;
    } else {
      // The module's counter advances once per report; a jump means it dropped reports (queue full).
      if (point.count > track.lastCount + 1) this.droppedPoints += point.count - track.lastCount - 1;
      track.lastCount = point.count;
      if (point.duration > 0 && point.position > track.lastPosition) newCycles = Math.round((point.position - track.lastPosition) / point.duration);
      if (point.xrunCount !== null && track.lastXrunCount !== null && point.xrunCount > track.lastXrunCount) {
        counterXruns = point.xrunCount - track.lastXrunCount;
      }
      track.lastPosition = Math.max(track.lastPosition, point.position);
      track.lastClockNs = point.clockNs;
      track.lastXrunCount = point.xrunCount ?? track.lastXrunCount;
      track.name = point.driver.name;
    }
    track.cycles += newCycles;

    const incomplete = point.unfinished > 0 || point.driver.status === 1 || point.driver.status === 2;
    let newXruns = counterXruns;
    if (incomplete) {
      for (const name of point.unfinishedNames.slice(0, point.unfinished)) this.lateNodes.set(name, (this.lateNodes.get(name) ?? 0) + 1);
      if (point.clockNs !== track.lastXrunClockNs) {
        this.incompleteCycles++;
        newXruns = Math.max(newXruns, 1);
      }
    }
    if (newXruns > 0) track.lastXrunClockNs = point.clockNs;

    const periodNs = point.rate > 0 ? (point.duration / point.rate) * 1e9 : 0;
    const sinceLastWake = point.driver.signalNs - point.driver.prevSignalNs;
    const late = periodNs > 0 && point.driver.prevSignalNs > 0 && sinceLastWake > periodNs * LATE_FACTOR;
    if (late) this.lateCycles++;

    if (newXruns > 0) {
      track.xruns += newXruns;
      const at = Math.round(((point.clockNs - this.startNs) / 1e9) * 1e6) / 1e6;
      if (this.onXrun !== undefined) {
        const wakeLateUs = periodNs > 0 && point.driver.prevSignalNs > 0 && sinceLastWake > periodNs ? Math.round((sinceLastWake - periodNs) / 1000) : null;
        const lateNodes = point.unfinishedNames.slice(0, point.unfinished);
        if (point.driver.status === 1 || point.driver.status === 2) lateNodes.unshift(point.driver.name);
        for (let i = 0; i < newXruns; i++) this.onXrun({ clockNs: point.clockNs, atS: at, lateNodes, wakeLateUs, periodNs });
      }
      for (let i = 0; i < newXruns; i++) {
        if (this.xrunTimes.length >= MAX_XRUN_TIMES) {
          this.truncated = true;
          break;
        }
        this.xrunTimes.push(at);
      }
    }

    const busyNs = point.driver.finishNs - point.driver.signalNs;
    if (!incomplete && periodNs > 0 && busyNs >= 0 && point.driver.finishNs > 0) {
      const load = busyNs / periodNs;
      this.interval.loadSum += load;
      this.interval.loadCount++;
      if (load > this.interval.loadMax) this.interval.loadMax = load;
      if (load > this.dspLoadMax) this.dspLoadMax = load;
      this.loadBins[Math.min(LOAD_BINS - 1, Math.floor(load / LOAD_BIN_WIDTH))]!++;
      this.loadSum += load;
      this.loadCount++;
    }
    this.interval.cycles += newCycles;
    this.interval.xruns += newXruns;
    if (late) this.interval.late++;
  }

  /** Numbers since the previous call (for live samples and progress lines). */
  takeInterval(): IntervalStats {
    const i = this.interval;
    this.interval = XrunAccumulator.emptyInterval();
    return {
      cycles: i.cycles,
      xruns: i.xruns,
      lateCycles: i.late,
      dspLoadMean: i.loadCount > 0 ? i.loadSum / i.loadCount : 0,
      dspLoadMax: i.loadMax,
    };
  }

  /** Upper edge of the bin holding the given fraction of cycles (never above the worst cycle). */
  private loadPercentile(fraction: number): number {
    if (this.loadCount === 0) return 0;
    const rank = Math.ceil(fraction * this.loadCount);
    let seen = 0;
    for (let bin = 0; bin < LOAD_BINS; bin++) {
      seen += this.loadBins[bin]!;
      if (seen >= rank) return Math.min(this.dspLoadMax, (bin + 1) * LOAD_BIN_WIDTH);
    }
    return this.dspLoadMax;
  }

  totals(): SessionTotals {
    const drivers = [...this.tracks.entries()].map(([id, t]) => ({ id, name: t.name, cycles: t.cycles, xruns: t.xruns }));
    return {
      cycles: drivers.reduce((sum, d) => sum + d.cycles, 0),
      xruns: drivers.reduce((sum, d) => sum + d.xruns, 0),
      lateCycles: this.lateCycles,
      xrunTimesS: [...this.xrunTimes],
      xrunTimesTruncated: this.truncated,
      dspLoadMax: this.dspLoadMax,
      rate: this.latest.rate,
      quantum: this.latest.quantum,
      driver: this.latest.driver,
      incompleteCycles: this.incompleteCycles,
      droppedReports: this.droppedPoints,
      lateNodes: [...this.lateNodes.entries()].map(([name, cycles]) => ({ name, cycles })).sort((a, b) => b.cycles - a.cycles),
      dspLoadMean: this.loadCount > 0 ? this.loadSum / this.loadCount : 0,
      dspLoadP99: this.loadPercentile(0.99),
      drivers,
    };
  }
}

/** xruns per hundred cycles; zero cycles means nothing ran, which is not 0 % xruns but unknown. */
export function xrunPercent(xruns: number, cycles: number): number | null {
  if (cycles <= 0) return null;
  return (xruns / cycles) * 100;
}
