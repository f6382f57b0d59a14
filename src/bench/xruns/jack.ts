/**
 * JACK side, pure: the watcher's line protocol and a session that turns it into the same numbers
 * as the PipeWire side. jackd2 ships no tool that reports xruns (jack_cpu_load prints only the
 * DSP load), so a tiny JACK client registers the server's own xrun callback and prints one line
 * per event; cycles come from the server's frame clock, not from our wall clock.
 */
import type { IntervalStats, SessionTotals } from './analysis.js';
import { MAX_XRUN_TIMES } from './analysis.js';

export type JackLine =
  | { kind: 'start'; frameTime: number; rate: number; bufferSize: number }
  | { kind: 'xrun'; frameTime: number; delayedUs: number }
  | { kind: 'load'; frameTime: number; cpuLoadPercent: number; rate: number; bufferSize: number }
  | { kind: 'shutdown'; reason: string }
  | { kind: 'error'; message: string };

export type JackParse = { ok: true; line: JackLine } | { ok: false; error: string };

const FRAME_WRAP = 2 ** 32;
const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < FRAME_WRAP;

/** One line of the watcher's output; anything else is a typed error, never a throw. */
export function parseJackLine(text: string): JackParse {
  const words = text.trim().split(/\s+/);
  const [kind, ...rest] = words;
  const nums = rest.map(Number);
  const bad = (why: string): JackParse => ({ ok: false, error: `${why}: ${JSON.stringify(text.slice(0, 120))}` });
  switch (kind) {
    case 'start': {
      const [frameTime, rate, bufferSize] = nums;
      if (nums.length !== 3 || !isCount(frameTime!) || !isCount(rate!) || !isCount(bufferSize!) || rate === 0 || bufferSize === 0) return bad('bad start line');
      return { ok: true, line: { kind: 'start', frameTime: frameTime!, rate: rate!, bufferSize: bufferSize! } };
    }
    case 'xrun': {
      const [frameTime, delayedUs] = nums;
      if (nums.length !== 2 || !isCount(frameTime!) || !Number.isFinite(delayedUs) || delayedUs! < 0) return bad('bad xrun line');
      return { ok: true, line: { kind: 'xrun', frameTime: frameTime!, delayedUs: delayedUs! } };
    }
    case 'load': {
      const [frameTime, load, rate, bufferSize] = nums;
      if (nums.length !== 4 || !isCount(frameTime!) || !Number.isFinite(load) || load! < 0 || !isCount(rate!) || !isCount(bufferSize!) || rate === 0 || bufferSize === 0) {
        return bad('bad load line');
      }
      return { ok: true, line: { kind: 'load', frameTime: frameTime!, cpuLoadPercent: load!, rate: rate!, bufferSize: bufferSize! } };
    }
    case 'shutdown':
      return { ok: true, line: { kind: 'shutdown', reason: rest.join(' ') } };
    case 'error':
      return { ok: true, line: { kind: 'error', message: rest.join(' ') } };
    default:
      return bad('unknown line');
  }
}

/** Frames from `from` to `to` on JACK's 32-bit frame clock (wraps after ~25 h at 48 kHz). */
export const framesBetween = (from: number, to: number): number => (to - from + FRAME_WRAP) % FRAME_WRAP;

export class JackSession {
  private startFrame: number | null = null;
  private lastFrame = 0;
  /** Frames counted so far, accumulated per step so wrap-around and buffer-size changes stay right. */
  private cycles = 0;
  private partialFrames = 0;
  private rate = 0;
  private bufferSize = 0;
  private xrunTimes: number[] = [];
  private xruns = 0;
  private truncated = false;
  private loadMax = 0;
  private readonly sessionLoad = { sum: 0, count: 0 };
  private interval = { cycles: 0, xruns: 0, loadSum: 0, loadCount: 0, loadMax: 0 };

  private advance(frameTime: number): void {
    if (this.startFrame === null) {
      this.startFrame = frameTime;
      this.lastFrame = frameTime;
      return;
    }
    const frames = framesBetween(this.lastFrame, frameTime);
    // A frame time a little behind the last one is clock jitter between threads, not a wrap.
    if (frames > FRAME_WRAP / 2) return;
    this.lastFrame = frameTime;
    if (this.bufferSize > 0) {
      this.partialFrames += frames;
      const whole = Math.floor(this.partialFrames / this.bufferSize);
      this.partialFrames -= whole * this.bufferSize;
      this.cycles += whole;
      this.interval.cycles += whole;
    }
  }

  add(line: JackLine): void {
    switch (line.kind) {
      case 'start':
        this.rate = line.rate;
        this.bufferSize = line.bufferSize;
        this.advance(line.frameTime);
        break;
      case 'load': {
        this.advance(line.frameTime);
        this.rate = line.rate;
        this.bufferSize = line.bufferSize;
        const load = line.cpuLoadPercent / 100;
        this.interval.loadSum += load;
        this.interval.loadCount++;
        this.interval.loadMax = Math.max(this.interval.loadMax, load);
        this.loadMax = Math.max(this.loadMax, load);
        this.sessionLoad.sum += load;
        this.sessionLoad.count++;
        break;
      }
      case 'xrun': {
        this.advance(line.frameTime);
        this.xruns++;
        this.interval.xruns++;
        if (this.xrunTimes.length < MAX_XRUN_TIMES) {
          const at = this.startFrame === null || this.rate === 0 ? 0 : framesBetween(this.startFrame, line.frameTime) / this.rate;
          this.xrunTimes.push(Math.round(at * 1e6) / 1e6);
        } else this.truncated = true;
        break;
      }
      default:
        break;
    }
  }

  takeInterval(): IntervalStats {
    const i = this.interval;
    this.interval = { cycles: 0, xruns: 0, loadSum: 0, loadCount: 0, loadMax: 0 };
    return { cycles: i.cycles, xruns: i.xruns, lateCycles: 0, dspLoadMean: i.loadCount > 0 ? i.loadSum / i.loadCount : 0, dspLoadMax: i.loadMax };
  }

  totals(): SessionTotals {
    return {
      cycles: this.cycles,
      xruns: this.xruns,
      lateCycles: 0,
      xrunTimesS: [...this.xrunTimes],
      xrunTimesTruncated: this.truncated,
      dspLoadMax: this.loadMax,
      rate: this.rate,
      quantum: this.bufferSize,
      driver: 'jackd',
      incompleteCycles: 0,
      droppedReports: 0,
      lateNodes: [],
      dspLoadMean: this.sessionLoad.count > 0 ? this.sessionLoad.sum / this.sessionLoad.count : 0,
      // JACK reports its load averaged per interval, not per cycle: the worst interval stands in.
      dspLoadP99: this.loadMax,
      drivers: [{ id: 0, name: 'jackd', cycles: this.cycles, xruns: this.xruns }],
    };
  }
}
