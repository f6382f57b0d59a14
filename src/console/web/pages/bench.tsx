/** Bench: start `bench rt` or `bench xruns`, follow its progress, see the histogram when done. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { JobSnapshot } from '../../jobs.js';
import { fractionDone, readBenchRt, readBenchRtl, readBenchXruns, rtHistogram, xrunsTimeline } from '../../../bench/contract.js';
import { tuneReportSchema } from '../../../tune/contract.js';
import { ApiError, deleteJson, errorText, getJson, postJson } from '../api.js';
import { BackendSelect, type Backend } from '../backend-select.js';
import { Plot } from '../chart.js';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

interface SavedResult {
  file: string;
  document: unknown;
}
type Results = Record<'rt' | 'rtl' | 'xruns', SavedResult | null> & { tune?: SavedResult | null };

function ResultHeading({ what, source }: { what: string; source: string }) {
  return (
    <h3>
      {what} <span class="muted">({source})</span>
    </h3>
  );
}

function Unreadable({ what, source, reason }: { what: string; source: string; reason: string }) {
  return (
    <div class="result">
      <ResultHeading what={what} source={source} />
      <p class="error">This result does not match its schema: {reason}</p>
    </div>
  );
}

function RtResult({ document, source }: { document: unknown; source: string }) {
  const read = useMemo(() => readBenchRt(document), [document]);
  const histogram = useMemo(() => (read.shape === 'full' ? rtHistogram(read.document) : null), [read]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      title: 'Scheduling latency histogram',
      scales: { x: { time: false }, y: { distr: 3, log: 10 } },
      axes: [{ label: 'latency (µs)' }, { label: 'samples' }],
      // Points, not lines: buckets are sparse and a line would invent samples between them.
      series: [{ label: 'µs' }, ...(histogram?.series ?? []).map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], fill: PALETTE[i % PALETTE.length], paths: () => null, points: { show: true, size: 4 } }))],
    }),
    [histogram?.series.length],
  );
  const data = useMemo(() => (histogram === null ? null : ([histogram.xs, ...histogram.series.map((s) => s.counts)] as uPlot.AlignedData)), [histogram]);
  if (read.shape === 'unreadable') return <Unreadable what="Scheduling latency" source={source} reason={read.reason} />;
  const { threads, overall, verdict, targetMaxUs: target } = read.document;
  return (
    <div class="result" data-testid="rt-result">
      <ResultHeading what="Scheduling latency" source={source} />
      <p>
        {verdict !== undefined && <b class={verdict === 'pass' ? 'ok' : 'error'}>{verdict}</b>} max {overall?.maxUs ?? '?'} µs, p99 {overall?.p99Us ?? '?'} µs, p99.9 {overall?.p999Us ?? '?'} µs
        {target === undefined ? '' : ` (target max ${target} µs)`}
      </p>
      {threads.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>CPU</th>
              <th class="num">min µs</th>
              <th class="num">avg µs</th>
              <th class="num">max µs</th>
              <th class="num">p99 µs</th>
              <th class="num">p99.9 µs</th>
            </tr>
          </thead>
          <tbody>
            {threads.map((t) => (
              <tr>
                <td>{t.cpu}</td>
                <td class="num">{t.minUs ?? '—'}</td>
                <td class="num">{t.avgUs?.toFixed(1) ?? '—'}</td>
                <td class="num">{t.maxUs ?? '—'}</td>
                <td class="num">{t.p99Us ?? '—'}</td>
                <td class="num">{t.p999Us ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data !== null ? <Plot options={options} data={data} height={260} rebuildKey={String(histogram?.series.length)} testId="rt-histogram" /> : <p class="muted">This result carries no histogram.</p>}
    </div>
  );
}

const sessionLoadOptions: Omit<uPlot.Options, 'width' | 'height'> = {
  title: 'DSP load over the session',
  scales: { x: { time: false }, y: { auto: false, range: [0, 100] } },
  axes: [{ label: 'seconds into the session' }, { label: '%' }],
  series: [{ label: 's' }, { label: 'DSP load %', stroke: '#2563eb', fill: '#2563eb22', width: 1.5 }],
};

function XrunsResult({ document, source }: { document: unknown; source: string }) {
  const read = useMemo(() => readBenchXruns(document), [document]);
  const times = read.shape === 'unreadable' ? [] : (read.document.xrunTimesS ?? []);
  const timeline = read.shape === 'full' ? xrunsTimeline(read.document) : null;
  const duration = read.shape === 'unreadable' ? null : read.document.durationS;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      title: 'Xrun timeline',
      scales: { x: { time: false, auto: false, range: [0, Math.max(1, duration ?? 1)] }, y: { auto: false, range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ label: 'seconds into the session' }, { label: 'xruns' }],
      series: [{ label: 's' }, { label: 'xruns', stroke: '#dc2626', width: 0, points: { show: true, size: 7, fill: '#dc2626' } }],
    }),
    [duration],
  );
  const data = useMemo(() => [times, times.map(() => 1)] as uPlot.AlignedData, [read]);
  const loadData = useMemo(() => (timeline === null ? null : ([timeline.t, timeline.load.map((v) => v * 100)] as uPlot.AlignedData)), [read]);
  if (read.shape === 'unreadable') return <Unreadable what="Xruns" source={source} reason={read.reason} />;
  const { xruns, cycles, xrunPercent: percent } = read.document;
  return (
    <div class="result" data-testid="xruns-result">
      <ResultHeading what="Xruns" source={source} />
      <p>
        {xruns} xruns in {cycles} cycles ({percent === null ? 'no cycles ran' : `${percent.toFixed(3)} %`}) over {duration ?? '?'} s
      </p>
      {loadData !== null && <Plot options={sessionLoadOptions} data={loadData} height={180} testId="xruns-load" />}
      <Plot options={options} data={data} height={160} rebuildKey={String(duration)} testId="xrun-timeline" />
    </div>
  );
}

/** A tune result: the verdict and one row per step. */
function TuneResult({ document, source }: { document: unknown; source: string }) {
  const parsed = tuneReportSchema.safeParse(document);
  if (!parsed.success) return <Unreadable what="Tune" source={source} reason={parsed.error.issues[0]?.message ?? 'invalid'} />;
  const report = parsed.data;
  const verdict = report.verdict === 'found' ? `safe quantum ${report.safeQuantum}` : report.verdict === 'interrupted' ? 'interrupted' : `not even ${report.settings.from} held`;
  return (
    <div class="result" data-testid="tune-result">
      <ResultHeading what="Tune" source={source} />
      <p>
        <b>{verdict}</b> · load {report.settings.load} · DSP {report.settings.dspPercent} % · clock {report.restored ? 'restored' : 'NOT restored'}
      </p>
      <table>
        <thead>
          <tr><th>quantum</th><th>verdict</th><th>xruns / cycles</th><th>DSP mean / p99 / max</th></tr>
        </thead>
        <tbody>
          {report.steps.map((step) => (
            <tr key={step.quantum}>
              <td>{step.quantum}</td>
              <td>{step.verdict}</td>
              <td>{step.xruns} / {step.cycles}</td>
              <td>{(step.dspLoad.mean * 100).toFixed(1)} / {(step.dspLoad.p99 * 100).toFixed(1)} / {(step.dspLoad.max * 100).toFixed(1)} %</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RtlResult({ document, source }: { document: unknown; source: string }) {
  const read = readBenchRtl(document);
  if (read.shape === 'unreadable') return <Unreadable what="Round trip" source={source} reason={read.reason} />;
  const { latencyMs, latencyFrames } = read.document;
  return (
    <div class="result" data-testid="rtl-result">
      <ResultHeading what="Round trip" source={source} />
      <p>
        {latencyMs?.toFixed(2) ?? '?'} ms
        {latencyFrames === null ? '' : ` (${latencyFrames.toFixed(1)} frames)`} — see the Latency page for the model
      </p>
    </div>
  );
}

export function BenchPage() {
  const [kind, setKind] = useState<'rt' | 'xruns' | 'tune'>('rt');
  const [dspPercent, setDspPercent] = useState(0);
  const [durationS, setDurationS] = useState(10);
  const [load, setLoad] = useState<'none' | 'half' | 'full'>('none');
  const [backend, setBackend] = useState<Backend>('pipewire');
  const [job, setJob] = useState<JobSnapshot | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refreshResults = (): void => {
    getJson<Results>('/api/results')
      .then(setResults)
      .catch((caught: unknown) => setError(errorText(caught)));
  };

  useEffect(() => {
    refreshResults();
    const source = new EventSource('/api/events');
    source.addEventListener('job', (event) => {
      const snapshot = JSON.parse((event as MessageEvent<string>).data) as JobSnapshot | null;
      setJob(snapshot);
      if (snapshot !== null && snapshot.state !== 'running') refreshResults();
    });
    return () => source.close();
  }, []);

  const start = async (): Promise<void> => {
    setError(null);
    try {
      const body = kind === 'rt' ? { kind, durationS, load } : kind === 'tune' ? { kind, durationS, load, dspPercent, backend } : { kind, durationS, backend };
      const response = await postJson<{ job: JobSnapshot }>('/api/bench', body);
      setJob(response.job);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 409 ? 'Another job is running: one benchmark at a time.' : errorText(caught));
    }
  };

  const running = job?.state === 'running';
  const fraction = job?.progress ? fractionDone(job.progress) : 0;
  const finishedBench = job !== null && !running && job.kind.startsWith('bench-') && job.result !== null ? job : null;
  return (
    <section>
      <header class="page-head">
        <h1>Bench</h1>
      </header>
      <form class="bench-form" onSubmit={(event) => { event.preventDefault(); void start(); }}>
        <label class="inline">
          <input type="radio" name="kind" checked={kind === 'rt'} onChange={() => setKind('rt')} /> Scheduling latency (bench rt)
        </label>
        <label class="inline">
          <input type="radio" name="kind" checked={kind === 'xruns'} onChange={() => setKind('xruns')} /> Xruns (bench xruns)
        </label>
        <label class="inline">
          <input type="radio" name="kind" checked={kind === 'tune'} onChange={() => setKind('tune')} /> Smallest safe quantum (tune)
        </label>
        <label>
          {kind === 'tune' ? 'Hold per step (s)' : 'Duration (s)'}{' '}
          <input type="number" name="duration" min={2} max={3600} value={durationS} onInput={(e) => setDurationS(Number((e.currentTarget as HTMLInputElement).value))} />
        </label>
        {kind === 'tune' && (
          <label>
            DSP (%){' '}
            <input type="number" name="dsp" min={0} max={95} value={dspPercent} onInput={(e) => setDspPercent(Number((e.currentTarget as HTMLInputElement).value))} />
          </label>
        )}
        {kind !== 'xruns' ? (
          <label>
            Load{' '}
            <select value={load} onChange={(e) => setLoad((e.currentTarget as HTMLSelectElement).value as 'none' | 'half' | 'full')}>
              <option value="none">none</option>
              <option value="half">half (stress-ng)</option>
              <option value="full">full (stress-ng)</option>
            </select>
          </label>
        ) : (
          <BackendSelect value={backend} onChange={setBackend} />
        )}
        <button type="submit" disabled={running} data-testid="bench-start">
          Start
        </button>
        {running && (
          <button type="button" class="danger" onClick={() => void deleteJson('/api/bench')}>
            Stop
          </button>
        )}
      </form>
      {error !== null && <p class="error">{error}</p>}
      {job !== null && (
        <div class="job" data-testid="bench-job" data-state={job.state}>
          <p>
            <code>{job.command}</code> — <b>{job.state}</b> {job.message}
          </p>
          {running && (
            <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
              <div class="bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
              <span>{job.progress ? `${job.progress.elapsedS.toFixed(0)} / ${job.progress.durationS.toFixed(0)} s` : 'starting…'}</span>
            </div>
          )}
          {job.state === 'failed' && job.output !== '' && <pre>{job.output}</pre>}
        </div>
      )}
      {finishedBench?.kind === 'bench-rt' && <RtResult document={finishedBench.result} source="this run" />}
      {finishedBench?.kind === 'bench-xruns' && <XrunsResult document={finishedBench.result} source="this run" />}
      {finishedBench?.kind === 'bench-tune' && <TuneResult document={finishedBench.result} source="this run" />}
      {results?.tune != null && finishedBench?.kind !== 'bench-tune' && <TuneResult document={results.tune.document} source={results.tune.file} />}
      <h2>Latest saved results</h2>
      {results === null ? (
        <p class="muted">Loading…</p>
      ) : results.rt === null && results.xruns === null && results.rtl === null ? (
        <p class="muted" data-testid="no-results">No saved benchmark results yet.</p>
      ) : (
        <>
          {(results.rt === null || finishedBench?.kind === 'bench-rt') && (results.xruns === null || finishedBench?.kind === 'bench-xruns') && results.rtl === null && (
            <p class="muted">The run above is the latest saved result.</p>
          )}
          {results.rt !== null && finishedBench?.kind !== 'bench-rt' && <RtResult document={results.rt.document} source={results.rt.file} />}
          {results.xruns !== null && finishedBench?.kind !== 'bench-xruns' && <XrunsResult document={results.xruns.document} source={results.xruns.file} />}
          {results.rtl !== null && <RtlResult document={results.rtl.document} source={results.rtl.file} />}
        </>
      )}
    </section>
  );
}
