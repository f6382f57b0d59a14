/** Live: clock rate, quantum, DSP load and xruns from PipeWire or JACK, streamed over SSE. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { GraphSample } from '../../live.js';
import { BackendSelect, type Backend } from '../backend-select.js';
import { Plot } from '../chart.js';

// The server keeps ten minutes of history (LIVE_HISTORY_MS) and replays it, so the chart shows all of it.
const WINDOW_S = 600;

interface Series {
  t: number[];
  load: number[];
  xruns: number[];
}

const emptySeries = (): Series => ({ t: [], load: [], xruns: [] });

/** An interval with xruns, and why the newest of them happened (the server's forensics), if known. */
interface RecentXrun {
  at: number;
  count: number;
  why: string | null;
  fix: string | null;
}

function recentXrun(sample: GraphSample, count: number): RecentXrun {
  const attribution = sample.attributions?.at(-1);
  const first = attribution?.suspects[0];
  const why = attribution === undefined ? null : first === undefined ? (attribution.note ?? `no suspect on CPU ${attribution.audioCpus.join(',')}`) : first.summary;
  const fix = first?.remedy === null || first?.remedy === undefined ? null : `doctor ${first.remedy.check} · ${first.remedy.option}`;
  return { at: sample.timeMs, count, why, fix };
}

const loadOptions: Omit<uPlot.Options, 'width' | 'height'> = {
  title: 'DSP load',
  // A fixed window: new samples enter on the right and scroll left.
  scales: { x: { time: false, auto: false, range: [-WINDOW_S, 0] }, y: { auto: false, range: [0, 100] } },
  axes: [{ label: 'seconds ago' }, { label: '%' }],
  series: [{ label: 's' }, { label: 'DSP load %', stroke: '#2563eb', fill: '#2563eb22', width: 1.5 }],
  legend: { show: true },
};

const xrunOptions: Omit<uPlot.Options, 'width' | 'height'> = {
  title: 'Xruns (timeline)',
  scales: { x: { time: false, auto: false, range: [-WINDOW_S, 0] }, y: { auto: false, range: (_u, _min, max) => [0, Math.max(1, max)] } },
  axes: [{ label: 'seconds ago' }, { label: 'xruns' }],
  series: [{ label: 's' }, { label: 'new xruns', stroke: '#dc2626', fill: '#dc262655', width: 0, points: { show: true, size: 7, fill: '#dc2626' } }],
};

export function LivePage() {
  const [backend, setBackend] = useState<Backend>('pipewire');
  const [latest, setLatest] = useState<GraphSample | null>(null);
  const [state, setState] = useState<'connecting' | 'live' | 'problem'>('connecting');
  const [problem, setProblem] = useState<string | null>(null);
  const [xrunTimes, setXrunTimes] = useState<RecentXrun[]>([]);
  const series = useRef<Series>(emptySeries());
  // Intervals in a row without a driver cycle: one alone is a long quantum, not an idle graph.
  const [quietIntervals, setQuietIntervals] = useState(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    series.current = emptySeries();
    setLatest(null);
    setXrunTimes([]);
    setQuietIntervals(0);
    setState('connecting');
    const source = new EventSource(`/api/live?backend=${backend}`);
    let previous: GraphSample | null = null;
    source.addEventListener('sample', (event) => {
      const sample = JSON.parse((event as MessageEvent<string>).data) as GraphSample;
      // EventSource reconnects by itself and the server replays its history: skip what is drawn already.
      if (previous !== null && sample.timeMs <= previous.timeMs) return;
      const s = series.current;
      const fresh = previous !== null && sample.xrunsTotal >= previous.xrunsTotal ? sample.xrunsTotal - previous.xrunsTotal : 0;
      s.t.push(sample.timeMs / 1000);
      s.load.push(sample.dspLoad * 100);
      s.xruns.push(fresh);
      while (s.t.length > 0 && (s.t[0] as number) < sample.timeMs / 1000 - WINDOW_S) {
        s.t.shift();
        s.load.shift();
        s.xruns.shift();
      }
      if (fresh > 0) setXrunTimes((list) => [recentXrun(sample, fresh), ...list].slice(0, 20));
      // An attribution is made once the sampler has a snapshot after the xrun, often an interval later.
      else if ((sample.attributions?.length ?? 0) > 0) {
        setXrunTimes((list) => (list[0] === undefined || list[0].why !== null ? list : [{ ...recentXrun(sample, list[0].count), at: list[0].at }, ...list.slice(1)]));
      }
      previous = sample;
      setQuietIntervals((count) => (sample.running === false ? count + 1 : 0));
      setLatest(sample);
      setState('live');
      setProblem(null);
      setTick((n) => n + 1);
    });
    source.addEventListener('problem', (event) => {
      setProblem((JSON.parse((event as MessageEvent<string>).data) as { message: string }).message);
      setState('problem');
    });
    source.onerror = () => setState((current) => (current === 'live' ? 'connecting' : current));
    return () => source.close();
  }, [backend]);

  // Seconds ago on the x axis, so the newest sample sits at 0 on the right.
  const data = useMemo(() => {
    const s = series.current;
    const now = s.t.at(-1) ?? 0;
    const xs = s.t.map((t) => t - now);
    return { load: [xs, s.load] as uPlot.AlignedData, xruns: [xs, s.xruns.map((n) => (n > 0 ? n : null))] as uPlot.AlignedData };
  }, [tick]);

  const periodMs = latest === null || latest.rate <= 0 ? null : (latest.quantum / latest.rate) * 1000;
  const idle = latest !== null && (quietIntervals >= 3 || latest.rate <= 0);
  const known = (value: number | undefined, text: string): string => (latest === null ? '…' : value === undefined || value <= 0 ? '—' : text);
  return (
    <section>
      <header class="page-head">
        <h1>Live</h1>
        <BackendSelect value={backend} onChange={setBackend} />
        <span class={`pill ${state}`} data-testid="live-state">
          {state === 'live' && idle ? 'live (idle graph)' : state}
        </span>
      </header>
      {problem !== null && <p class="error">{problem} (retrying)</p>}
      {idle && (
        <p class="muted" data-testid="live-idle">
          The graph is idle: no driver cycled in the last seconds (PipeWire suspends its driver when nothing plays). Play something to see it run.
        </p>
      )}
      <div class="tiles">
        <div class="tile">
          <span>Clock rate</span>
          <b data-testid="live-rate">{known(latest?.rate, `${latest?.rate} Hz`)}</b>
        </div>
        <div class="tile">
          <span>Quantum</span>
          <b data-testid="live-quantum">{known(latest?.quantum, `${latest?.quantum}`)}</b>
          <small>{periodMs === null ? '' : `${periodMs.toFixed(2)} ms per cycle`}</small>
        </div>
        <div class="tile">
          <span>DSP load</span>
          <b data-testid="live-load">{latest === null ? '…' : `${(latest.dspLoad * 100).toFixed(1)} %`}</b>
        </div>
        <div class="tile">
          <span>Xruns</span>
          <b data-testid="live-xruns">{latest === null ? '…' : `${latest.xrunsTotal}`}</b>
        </div>
        <div class="tile">
          <span>Driver</span>
          <b class="small-text" data-testid="live-driver">{latest === null ? '…' : latest.driver || '—'}</b>
        </div>
      </div>
      <Plot options={loadOptions} data={data.load} height={220} rebuildKey={backend} testId="live-load-chart" />
      <Plot options={xrunOptions} data={data.xruns} height={160} rebuildKey={backend} testId="live-xrun-chart" />
      <h2>Recent xruns</h2>
      {xrunTimes.length === 0 ? (
        <p class="muted">None since this page opened.</p>
      ) : (
        <ul class="xrun-list">
          {xrunTimes.map((entry) => (
            <li data-testid="live-xrun">
              {new Date(entry.at).toLocaleTimeString()}: {entry.count} xrun{entry.count === 1 ? '' : 's'}
              {entry.why !== null && <span class="why" data-testid="live-xrun-why">: {entry.why}</span>}
              {entry.fix !== null && <small class="muted"> ({entry.fix})</small>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
