/**
 * The `tune` result: its document (checked against the one schema before it leaves), the human
 * summary, and the HTML page (xrun percent and DSP load against quantum on a log axis). Pure.
 */
import { forensicsHtml, forensicsLines } from '../bench/contract.js';
import type { PageSpec } from '../html/page.js';
import { tuneReportSchema, type TuneReport } from './contract.js';
import { conclude, type TuneSettings } from './plan.js';
import type { TuneRun } from './run.js';

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export function buildReport(input: {
  run: TuneRun;
  settings: TuneSettings;
  from: number;
  latency: TuneReport['latency'];
  written: TuneReport['written'];
}): TuneReport {
  const { run, settings } = input;
  const verdict = conclude(run.steps, run.interrupted);
  return tuneReportSchema.parse({
    version: 1,
    startedAt: run.startedAt,
    durationS: round(run.durationS, 3),
    backend: settings.backend,
    rate: run.rate,
    settings: {
      from: input.from,
      to: settings.to,
      holdS: settings.holdS,
      load: settings.load,
      loadPriority: settings.loadPriority,
      dspPercent: settings.dspPercent,
      targetPercent: settings.targetPercent,
    },
    original: { forceQuantum: run.original.forceQuantum, minQuantum: run.original.minQuantum },
    restored: run.restored,
    ownStream: run.ownStream,
    steps: run.steps,
    ...verdict,
    latency: input.latency,
    written: input.written,
  });
}

const pct = (value: number | null, digits = 3): string => (value === null ? 'n/a' : `${value.toFixed(digits)} %`);

export function stepLine(step: TuneReport['steps'][number]): string {
  const mark = step.verdict === 'held' ? 'held  ' : step.verdict === 'missed' ? 'MISSED' : step.verdict === 'no-data' ? 'NODATA' : 'STOPPED';
  const first = step.forensics?.firstSuspects[0];
  const why = first === undefined || step.xruns === 0 ? '' : `  first suspect ${first.label} (${first.xruns} of ${step.xruns})`;
  return `${String(step.quantum).padStart(5)}  ${step.periodMs.toFixed(2).padStart(7)} ms  ${mark}  ${String(step.xruns).padStart(5)} xruns / ${String(step.cycles).padStart(7)} cycles (${pct(step.xrunPercent)})  DSP mean ${(step.dspLoad.mean * 100).toFixed(1)} % p99 ${(step.dspLoad.p99 * 100).toFixed(1)} % max ${(step.dspLoad.max * 100).toFixed(1)} %${why}`;
}

/** The step whose xruns explain the verdict: the first that missed, else the last with xruns. */
function explainedStep(report: TuneReport): TuneReport['steps'][number] | undefined {
  return report.steps.find((step) => step.verdict === 'missed' && step.forensics !== undefined) ?? [...report.steps].reverse().find((step) => step.xruns > 0 && step.forensics !== undefined);
}

export function renderHuman(report: TuneReport, c: { green(s: string): string; red(s: string): string; yellow(s: string): string; bold(s: string): string }): string {
  const lines = [
    `${c.bold('tune')} ${report.backend} · ${report.rate} Hz · ${report.settings.from} → ${report.settings.to} · hold ${report.settings.holdS} s · load ${report.settings.load}${report.settings.loadPriority === null ? '' : ` (SCHED_FIFO ${report.settings.loadPriority})`} · DSP ${report.settings.dspPercent} %`,
    ' quantum   period  verdict',
    ...report.steps.map((step) => `  ${stepLine(step)}`),
  ];
  if (report.verdict === 'found') {
    const latency = report.latency === null ? '' : ` · round trip ${report.latency.modelMs.toFixed(2)} ms modelled${report.latency.measuredMs === null ? '' : `, ${report.latency.measuredMs.toFixed(2)} ms measured at quantum ${report.latency.measuredQuantum ?? '?'}`}`;
    lines.push(`${c.green('SAFE')} quantum ${report.safeQuantum}${latency}`);
  } else if (report.verdict === 'interrupted') {
    lines.push(`${c.yellow('INTERRUPTED')}${report.safeQuantum === null ? ' before any step held' : `: quantum ${report.safeQuantum} held so far (smaller ones untried)`}`);
  } else {
    lines.push(`${c.red('NONE HELD')}: not even the start (${report.settings.from}) held: ${report.steps[0]?.reason ?? 'no step ran'}`);
  }
  const explained = explainedStep(report);
  if (explained?.forensics !== undefined) lines.push(`why quantum ${explained.quantum} crackled:`, ...forensicsLines(explained.forensics, 3));
  const clock = report.original.forceQuantum === 0 ? 'unforced' : `forced to ${report.original.forceQuantum}`;
  lines.push(report.restored ? `clock restored (${clock}, as found)` : c.red(`the clock could NOT be restored (${clock} before); see docs/tune.md`));
  if (report.written !== null) {
    lines.push(`wrote ${report.written.changes.map((change) => `${change.key} = ${change.value}`).join(', ')} to ${report.written.file}`);
    if (report.written.applyCommand !== null) lines.push(`to make it the system's clock: ${report.written.applyCommand}`);
  }
  return `${lines.join('\n')}\n`;
}

export function pageSpec(report: TuneReport, escapeHtml: (text: string) => string): PageSpec {
  const ordered = [...report.steps].sort((a, b) => a.quantum - b.quantum);
  const x = ordered.map((step) => step.quantum);
  const rows = report.steps
    .map(
      (step) =>
        `<tr><td>${step.quantum}</td><td>${step.periodMs.toFixed(2)} ms</td><td>${escapeHtml(step.verdict)}</td><td>${step.xruns} / ${step.cycles}</td><td>${escapeHtml(pct(step.xrunPercent))}</td><td>${(step.dspLoad.mean * 100).toFixed(1)} / ${(step.dspLoad.p99 * 100).toFixed(1)} / ${(step.dspLoad.max * 100).toFixed(1)} %</td><td>${escapeHtml(step.reason)}</td></tr>`,
    )
    .join('');
  const verdict =
    report.verdict === 'found'
      ? `Safe quantum: <strong>${report.safeQuantum}</strong>${report.latency === null ? '' : ` (round trip ${report.latency.modelMs.toFixed(2)} ms modelled${report.latency.measuredMs === null ? '' : `, ${report.latency.measuredMs.toFixed(2)} ms measured`})`}`
      : report.verdict === 'interrupted'
        ? `Interrupted${report.safeQuantum === null ? '' : `; quantum ${report.safeQuantum} held so far`}`
        : `Not even the starting quantum ${report.settings.from} held`;
  return {
    title: 'ArchibaldOS tune: the smallest quantum this machine holds',
    subtitle: `${report.startedAt} · ${report.backend} · ${report.rate} Hz · load ${report.settings.load} · DSP ${report.settings.dspPercent} %`,
    sections: [
      {
        heading: 'Verdict',
        html: `<p>${verdict}. The clock was ${report.restored ? 'restored to what it was' : 'NOT restored'}.</p><table><tr><th>quantum</th><th>period</th><th>verdict</th><th>xruns / cycles</th><th>xrun %</th><th>DSP mean / p99 / max</th><th>why</th></tr>${rows}</table>`,
      },
      {
        heading: 'Against quantum',
        charts: [
          {
            title: 'Xruns (% of cycles) per quantum',
            xLabel: 'quantum (frames)',
            yLabel: 'xruns (%)',
            x,
            series: [{ label: 'xrun %', values: ordered.map((step) => step.xrunPercent), colour: '#dc2626' }],
            logX: true,
          },
          {
            title: 'DSP load per quantum',
            xLabel: 'quantum (frames)',
            yLabel: 'DSP load (%)',
            x,
            series: [
              { label: 'mean', values: ordered.map((step) => round(step.dspLoad.mean * 100, 2)) },
              { label: 'p99', values: ordered.map((step) => round(step.dspLoad.p99 * 100, 2)) },
              { label: 'max', values: ordered.map((step) => round(step.dspLoad.max * 100, 2)) },
            ],
            logX: true,
          },
        ],
      },
      ...((): PageSpec['sections'] => {
        const explained = explainedStep(report);
        return explained?.forensics === undefined ? [] : [{ heading: `Why quantum ${explained.quantum} crackled`, html: forensicsHtml(explained.forensics, escapeHtml) }];
      })(),
    ],
  };
}
