/**
 * The pure state of one forensics session: a ring buffer of snapshots, the xruns waiting for the
 * snapshot after them, and the attributions made so far. The sampler (sampler.ts) feeds it
 * snapshots at a few Hz and the monitor feeds it xruns as the profiler reports them; neither
 * order nor timing is assumed (the profiler's reports arrive in batches, up to a few hundred
 * milliseconds late), so an xrun is attributed as soon as a snapshot on each side of it exists.
 *
 * Xruns come in storms (quantum 16 under load: hundreds a second), so the work is per window,
 * not per xrun: every xrun between the same two snapshots shares one attribution, and only the
 * first `maxAttributions` are kept whole (the counts cover all).
 */
import { attributeXrun, suspectLabel, type Snapshot, type XrunEvent } from './attribute.js';
import type { AudioThread, ForensicsSummary, Remedy, Suspect, SuspectKind, XrunAttribution } from './contract.js';

export interface SessionContext {
  /** The audio thread as last seen (it may be found late, or change when the daemon restarts). */
  audio(): AudioThread | null;
  /** Threads of the audio daemon and of this process: never their own suspects. */
  audioTids(): ReadonlySet<number>;
  /** The command line of a process, read on the xrun (the expensive part, once per window). */
  command?(pid: number): string | null;
}

export interface SessionOptions {
  sampleHz: number;
  /** How much history the ring keeps (the usual IRQ rates are taken over it). */
  historyS?: number;
  maxAttributions?: number;
}

interface WindowResult {
  windowMs: number;
  audioCpus: number[];
  suspects: Suspect[];
  note: string | null;
}

const DEFAULT_HISTORY_S = 20;
const DEFAULT_MAX_ATTRIBUTIONS = 200;

/** Index of the last snapshot at or before `monoNs` in a ring sorted by time, -1 if none. */
export function lastAtOrBefore(ring: readonly Snapshot[], monoNs: number): number {
  let lo = 0;
  let hi = ring.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ring[mid]!.monoNs <= monoNs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export class ForensicsSession {
  private ring: Snapshot[] = [];
  private pending: XrunEvent[] = [];
  private readonly windows = new Map<string, WindowResult>();
  private readonly kept: XrunAttribution[] = [];
  private readonly firsts = new Map<string, { kind: SuspectKind; xruns: number; remedy: Remedy | null }>();
  private xruns = 0;
  private attributed = 0;
  private explained = 0;
  private samples = 0;
  private readonly historyNs: number;
  private readonly maxAttributions: number;

  constructor(
    private readonly context: SessionContext,
    private readonly options: SessionOptions,
  ) {
    this.historyNs = (options.historyS ?? DEFAULT_HISTORY_S) * 1e9;
    this.maxAttributions = options.maxAttributions ?? DEFAULT_MAX_ATTRIBUTIONS;
  }

  /** A new snapshot; returns the attributions it completed (for live consumers). */
  addSnapshot(snapshot: Snapshot): XrunAttribution[] {
    const last = this.ring.at(-1);
    if (last !== undefined && snapshot.monoNs <= last.monoNs) return [];
    this.ring.push(snapshot);
    this.samples++;
    let drop = 0;
    while (drop < this.ring.length - 2 && this.ring[drop]!.monoNs < snapshot.monoNs - this.historyNs) drop++;
    if (drop > 0) {
      this.ring = this.ring.slice(drop);
      const oldest = this.ring[0]!.monoNs;
      for (const key of this.windows.keys()) if (Number(key.split(':')[0]) < oldest) this.windows.delete(key);
    }
    const ready = this.pending.filter((xrun) => xrun.monoNs < snapshot.monoNs);
    if (ready.length === 0) return [];
    this.pending = this.pending.filter((xrun) => xrun.monoNs >= snapshot.monoNs);
    return ready.map((xrun) => this.attribute(xrun));
  }

  /** An xrun the monitor saw; attributed now when the sampler is already past it, else later. */
  addXrun(xrun: XrunEvent): XrunAttribution | null {
    this.xruns++;
    const last = this.ring.at(-1);
    if (last !== undefined && last.monoNs > xrun.monoNs) return this.attribute(xrun);
    this.pending.push(xrun);
    return null;
  }

  /** At the end: the xruns no snapshot came after are counted, with the reason, not dropped. */
  finish(): XrunAttribution[] {
    const rest = this.pending;
    this.pending = [];
    return rest.map((xrun) => this.attribute(xrun));
  }

  private window(before: Snapshot | null, after: Snapshot | null, xrun: XrunEvent): WindowResult {
    const key = `${before?.monoNs ?? 'none'}:${after?.monoNs ?? 'none'}:${xrun.periodNs}`;
    const cached = this.windows.get(key);
    if (cached !== undefined) return cached;
    const history = before === null ? [] : this.ring.slice(0, Math.max(0, this.ring.indexOf(before)));
    const result = attributeXrun({ xrun, before, after, history, audioTids: this.context.audioTids(), audio: this.context.audio() });
    for (const suspect of result.suspects) {
      if (suspect.task !== undefined && this.context.command !== undefined) suspect.task.command = this.context.command(suspect.task.pid);
    }
    const window: WindowResult = { windowMs: result.windowMs, audioCpus: result.audioCpus, suspects: result.suspects, note: result.note };
    if (before !== null && after !== null) this.windows.set(key, window);
    return window;
  }

  private attribute(xrun: XrunEvent): XrunAttribution {
    const at = lastAtOrBefore(this.ring, xrun.monoNs);
    const before = at >= 0 ? this.ring[at]! : null;
    const after = this.ring[at + 1] ?? null;
    const window = this.window(before, after, xrun);
    const attribution: XrunAttribution = {
      atS: xrun.atS,
      timeMs: xrun.timeMs,
      windowMs: window.windowMs,
      lateNodes: xrun.lateNodes,
      wakeLateUs: xrun.wakeLateUs,
      audio: this.context.audio(),
      audioCpus: window.audioCpus,
      suspects: window.suspects,
      note: window.note,
    };
    if (window.note === null) this.attributed++;
    const first = window.suspects[0];
    if (first !== undefined) {
      this.explained++;
      const label = suspectLabel(first);
      const entry = this.firsts.get(label);
      if (entry === undefined) this.firsts.set(label, { kind: first.kind, xruns: 1, remedy: first.remedy });
      else entry.xruns++;
    }
    if (this.kept.length < this.maxAttributions) this.kept.push(attribution);
    return attribution;
  }

  /** The whole session so far, as the contract describes it. */
  summary(cpuPercent: number, note: string | null = null): ForensicsSummary {
    return {
      version: 1,
      sampleHz: this.options.sampleHz,
      samples: this.samples,
      xruns: this.xruns,
      attributed: this.attributed,
      explained: this.explained,
      truncated: this.kept.length < this.xruns - this.pending.length,
      firstSuspects: [...this.firsts.entries()]
        .map(([label, entry]) => ({ label, kind: entry.kind, xruns: entry.xruns, remedy: entry.remedy }))
        .sort((a, b) => b.xruns - a.xruns || a.label.localeCompare(b.label)),
      cpuPercent: Math.round(cpuPercent * 1000) / 1000,
      note,
      attributions: [...this.kept],
    };
  }
}
