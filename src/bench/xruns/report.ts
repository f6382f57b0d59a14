/**
 * The `bench xruns` result: its JSON document, verdict, human summary and HTML page. Pure: the
 * command gathers the numbers, this decides and formats.
 */
import type { ChartSpec, PageSpec } from '../../html/page.js';
import { xrunPercent, type SessionTotals } from './analysis.js';
import type { ForensicsSummary } from './forensics/contract.js';
import { forensicsHtml, forensicsLines } from './forensics/render.js';
import type { BenchXrunsReport, MonitorCpu, TimelinePoint } from './schema.js';

export type { BenchXrunsReport, MonitorCpu, TimelinePoint } from './schema.js';

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export function buildReport(input: {
  backend: 'pipewire' | 'jack';
  startedAt: string;
  durationS: number;
  requestedDurationS: number;
  interrupted: boolean;
  targetPercent: number;
  totals: SessionTotals;
  timeline: TimelinePoint[];
  cpu: Omit<MonitorCpu, 'steadySelfPercent'>;
  forensics?: ForensicsSummary | null;
}): BenchXrunsReport {
  const { totals } = input;
  const percent = xrunPercent(totals.xruns, totals.cycles);
  const loads = input.timeline.filter((p) => p.cycles > 0);
  const steady = input.durationS >= 20 ? input.timeline.filter((p) => p.tS > 10) : [];
  const steadySelfPercent = steady.length === 0 ? null : round(steady.reduce((sum, p) => sum + p.cpuPercent, 0) / steady.length, 3);
  const meanDspLoad = loads.length === 0 ? 0 : loads.reduce((sum, p) => sum + p.dspLoad, 0) / loads.length;
  return {
    version: 1,
    backend: input.backend,
    source: input.backend === 'jack' ? 'jack-xrun-callback' : 'pipewire-profiler',
    startedAt: input.startedAt,
    durationS: round(input.durationS, 3),
    requestedDurationS: input.requestedDurationS,
    interrupted: input.interrupted,
    cycles: totals.cycles,
    xruns: totals.xruns,
    xrunPercent: percent === null ? null : round(percent, 4),
    targetPercent: input.targetPercent,
    verdict: percent === null ? 'no-data' : percent < input.targetPercent ? 'pass' : 'fail',
    xrunTimesS: totals.xrunTimesS,
    xrunTimesTruncated: totals.xrunTimesTruncated,
    rate: totals.rate,
    quantum: totals.quantum,
    driver: totals.driver,
    maxDspLoad: round(totals.dspLoadMax, 4),
    meanDspLoad: round(meanDspLoad, 4),
    lateCycles: totals.lateCycles,
    incompleteCycles: totals.incompleteCycles,
    droppedReports: totals.droppedReports,
    lateNodes: totals.lateNodes.slice(0, 10),
    drivers: totals.drivers,
    monitorCpuPercent: round(input.cpu.selfPercent + input.cpu.helpersPercent, 3),
    monitorCpu: { ...input.cpu, selfPercent: round(input.cpu.selfPercent, 3), helpersPercent: round(input.cpu.helpersPercent, 3), steadySelfPercent },
    timeline: input.timeline.map((p) => ({
      ...p,
      tS: round(p.tS, 2),
      dspLoad: round(p.dspLoad, 4),
      dspLoadMax: round(p.dspLoadMax, 4),
      cpuPercent: round(p.cpuPercent, 3),
    })),
    forensics: input.forensics ?? null,
  };
}

/** Xruns per whole second of the run, for the timeline chart (from the exact xrun times). */
export function xrunsPerSecond(xrunTimesS: readonly number[], durationS: number): { x: number[]; counts: number[] } {
  const seconds = Math.max(1, Math.ceil(durationS));
  const counts = new Array<number>(seconds).fill(0);
  for (const t of xrunTimesS) {
    const i = Math.min(seconds - 1, Math.max(0, Math.floor(t)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { x: counts.map((_, i) => i), counts };
}

export function pageSpec(report: BenchXrunsReport, escapeHtml: (text: string) => string): PageSpec {
  const perSecond = xrunsPerSecond(report.xrunTimesS, report.durationS);
  const charts: ChartSpec[] = [
    {
      title: 'Xrun timeline (xruns per second)',
      xLabel: 'time (s)',
      yLabel: 'xruns',
      x: perSecond.x,
      series: [{ label: 'xruns', values: perSecond.counts, colour: '#dc2626' }],
      kind: 'bars',
    },
    {
      title: 'DSP load of the driver (busy / period)',
      xLabel: 'time (s)',
      yLabel: 'DSP load (%)',
      x: report.timeline.map((p) => p.tS),
      series: [
        { label: 'mean per interval (%)', values: report.timeline.map((p) => (p.cycles > 0 ? round(p.dspLoad * 100, 2) : null)) },
        { label: 'worst cycle (%)', values: report.timeline.map((p) => (p.cycles > 0 ? round(p.dspLoadMax * 100, 2) : null)) },
      ],
    },
    {
      title: 'CPU use of this monitor (% of one core)',
      xLabel: 'time (s)',
      yLabel: 'CPU (%)',
      x: report.timeline.map((p) => p.tS),
      series: [{ label: 'archibald', values: report.timeline.map((p) => p.cpuPercent), colour: '#16a34a' }],
    },
  ];
  const percent = report.xrunPercent === null ? 'n/a' : `${report.xrunPercent.toFixed(3)} %`;
  const rows: Array<[string, string]> = [
    ['Backend', `${report.backend} (${report.source})`],
    ['Driver', report.driver || '-'],
    ['Rate / quantum', `${report.rate} Hz / ${report.quantum} frames`],
    ['Duration', `${report.durationS} s${report.interrupted ? ' (interrupted)' : ''}`],
    ['Cycles', String(report.cycles)],
    ['Xruns', String(report.xruns)],
    ['Xrun rate', `${percent} (target below ${report.targetPercent} %): ${report.verdict}`],
    ['DSP load', `mean ${(report.meanDspLoad * 100).toFixed(1)} %, worst cycle ${(report.maxDspLoad * 100).toFixed(1)} %`],
    ['Monitor CPU', `${report.monitorCpuPercent.toFixed(3)} % of one core${report.monitorCpu.steadySelfPercent === null ? '' : ` (${report.monitorCpu.steadySelfPercent.toFixed(3)} % after the first 10 s)`}`],
  ];
  const table = `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  const late =
    report.lateNodes.length === 0
      ? ''
      : `<p>Nodes found unfinished at the end of a cycle: ${report.lateNodes.map((n) => `${escapeHtml(n.name)} (${n.cycles})`).join(', ')}</p>`;
  return {
    title: 'ArchibaldOS xrun measurement',
    subtitle: `${report.startedAt} · ${report.backend} · ${report.rate} Hz / ${report.quantum}`,
    sections: [
      { heading: 'Result', html: table + late },
      { heading: 'Timeline', charts },
      ...(report.forensics === null ? [] : [{ heading: 'Why each xrun happened', html: forensicsHtml(report.forensics, escapeHtml) }]),
    ],
  };
}

export function renderHuman(report: BenchXrunsReport, c: { green(s: string): string; red(s: string): string; yellow(s: string): string; bold(s: string): string }): string {
  const percent = report.xrunPercent === null ? 'n/a' : `${report.xrunPercent.toFixed(3)} %`;
  const verdict =
    report.verdict === 'pass' ? c.green('PASS') : report.verdict === 'fail' ? c.red('FAIL') : c.yellow('NO DATA');
  const lines = [
    `${c.bold('xruns')} ${report.backend} · ${report.driver || 'no driver'} · ${report.rate} Hz / ${report.quantum} frames · ${report.durationS} s${report.interrupted ? ' (interrupted)' : ''}`,
    `  cycles        ${report.cycles}`,
    `  xruns         ${report.xruns}${report.xrunTimesS.length > 0 ? ` (first at ${report.xrunTimesS[0]} s)` : ''}`,
    `  xrun rate     ${percent}  target < ${report.targetPercent} %  ${verdict}`,
    `  DSP load      mean ${(report.meanDspLoad * 100).toFixed(1)} %, worst cycle ${(report.maxDspLoad * 100).toFixed(1)} %`,
    `  monitor CPU   ${report.monitorCpuPercent.toFixed(3)} % of one core${report.monitorCpu.steadySelfPercent === null ? '' : ` (${report.monitorCpu.steadySelfPercent.toFixed(3)} % after the first 10 s)`}`,
  ];
  if (report.lateNodes.length > 0) lines.push(`  late nodes    ${report.lateNodes.map((n) => `${n.name} (${n.cycles})`).join(', ')}`);
  if (report.droppedReports > 0) lines.push(`  note          ${report.droppedReports} profiler reports were dropped before they were read; xruns in them were missed`);
  if (report.forensics !== null) lines.push(...forensicsLines(report.forensics));
  if (report.verdict === 'no-data') lines.push('  no driver cycle ran: PipeWire suspends an idle graph; play something (or start your session) and measure again');
  return `${lines.join('\n')}\n`;
}
