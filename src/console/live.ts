/**
 * Live graph data for the Live page: one monitor per backend (from `bench xruns`' own monitor, so
 * the console and the CLI read PipeWire/JACK the same way), shared by every open page and stopped
 * when the last page goes away.
 */
import type { GraphMonitor as FullMonitor, GraphMonitorOptions, GraphSample } from '../bench/index.js';

export type LiveBackend = GraphMonitorOptions['backend'];

export type { GraphSample } from '../bench/index.js';

/** What the hub needs of a monitor: the xruns bench's startGraphMonitor satisfies it. */
export type GraphMonitor = Pick<FullMonitor, 'samples' | 'stop'> & { closed?: FullMonitor['closed'] };
export type StartMonitor = (options: GraphMonitorOptions) => Promise<GraphMonitor>;

export type LiveEvent = { type: 'sample'; sample: GraphSample } | { type: 'error'; message: string } | { type: 'end' };

type Listener = (event: LiveEvent) => void;

interface Feed {
  listeners: Set<Listener>;
  monitor: GraphMonitor | null;
  closed: boolean;
}

/** How much Live history the server keeps per backend, so a page that comes back redraws it. */
export const LIVE_HISTORY_MS = 10 * 60 * 1000;

/** Samples of one backend newer than LIVE_HISTORY_MS before the newest; outlives its feed. */
export class SampleHistory {
  private samples: GraphSample[] = [];

  constructor(private readonly windowMs = LIVE_HISTORY_MS) {}

  push(sample: GraphSample): void {
    this.samples.push(sample);
    const oldest = sample.timeMs - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.timeMs < oldest) drop += 1;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }

  list(): readonly GraphSample[] {
    return this.samples;
  }
}

export class LiveHub {
  private readonly feeds = new Map<LiveBackend, Feed>();
  // Kept apart from the feeds: the monitor stops when the last page leaves, the history must not.
  private readonly histories = new Map<LiveBackend, SampleHistory>();

  constructor(
    private readonly startMonitor: () => Promise<StartMonitor>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly intervalMs = 500,
    private readonly historyMs = LIVE_HISTORY_MS,
  ) {}

  private history(backend: LiveBackend): SampleHistory {
    let history = this.histories.get(backend);
    if (history === undefined) {
      history = new SampleHistory(this.historyMs);
      this.histories.set(backend, history);
    }
    return history;
  }

  subscribe(backend: LiveBackend, listener: Listener): () => void {
    // A page that joins late, or comes back after switching pages, redraws the last minutes at once.
    for (const sample of this.history(backend).list()) listener({ type: 'sample', sample });
    let feed = this.feeds.get(backend);
    if (feed === undefined) {
      feed = { listeners: new Set(), monitor: null, closed: false };
      this.feeds.set(backend, feed);
      void this.pump(backend, feed);
    }
    feed.listeners.add(listener);
    return () => {
      const current = this.feeds.get(backend);
      if (current === undefined) return;
      current.listeners.delete(listener);
      if (current.listeners.size === 0) void this.close(backend, current);
    };
  }

  private broadcast(feed: Feed, event: LiveEvent): void {
    for (const listener of feed.listeners) listener(event);
  }

  private async pump(backend: LiveBackend, feed: Feed): Promise<void> {
    try {
      const start = await this.startMonitor();
      const monitor = await start({ backend, env: this.env, intervalMs: this.intervalMs, forensics: true });
      if (feed.closed) {
        await monitor.stop();
        return;
      }
      feed.monitor = monitor;
      for await (const sample of monitor.samples) {
        if (feed.closed) break;
        this.history(backend).push(sample);
        this.broadcast(feed, { type: 'sample', sample });
      }
      const reason = feed.closed ? null : await monitor.closed;
      if (!feed.closed) this.broadcast(feed, reason === null || reason === undefined ? { type: 'end' } : { type: 'error', message: reason });
    } catch (error) {
      this.broadcast(feed, { type: 'error', message: error instanceof Error ? error.message : String(error) });
    } finally {
      // A failed or ended feed is forgotten so the next page tries again.
      if (this.feeds.get(backend) === feed) this.feeds.delete(backend);
      if (!feed.closed) await this.close(backend, feed);
    }
  }

  private async close(backend: LiveBackend, feed: Feed): Promise<void> {
    if (feed.closed) return;
    feed.closed = true;
    if (this.feeds.get(backend) === feed) this.feeds.delete(backend);
    await feed.monitor?.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.feeds.entries()].map(([backend, feed]) => this.close(backend, feed)));
  }
}
