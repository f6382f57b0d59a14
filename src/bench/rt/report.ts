/**
 * Pure: the `bench rt` result document (the `--json` contract, version 1), its human rendering and
 * the HTML page description. Nothing here reads or writes anything.
 */
import Table from 'cli-table3';
import type { PageSpec } from '../../html/page.js';
import type { Analysis } from './analyze.js';
import type { BenchRtReport, KernelInfo, LatencyStats, StoppedBy, ThreadStats } from './schema.js';
import type { CyclictestHistogram } from './parse.js';
import type { Load, Plan } from './plan.js';

export type { BenchRtReport, KernelInfo } from './schema.js';

export interface ReportContext {
  plan: Plan;
  cyclictestVersion: string | null;
  kernel: KernelInfo;
  startedAt: string;
  elapsedS: number;
  stoppedBy: StoppedBy;
}

export function buildReport(analysis: Analysis, histogram: CyclictestHistogram, context: ReportContext): BenchRtReport {
  const { settings } = context.plan;
  return {
    version: 1,
    tool: 'cyclictest',
    samples: analysis.samples,
    threads: analysis.threads,
    overall: analysis.overall,
    targetMaxUs: analysis.targetMaxUs,
    verdict: analysis.verdict,
    durationS: settings.durationS,
    elapsedS: Math.round(context.elapsedS * 10) / 10,
    interrupted: context.stoppedBy !== null,
    stoppedBy: context.stoppedBy,
    load: settings.load,
    loadCommand: context.plan.load,
    intervalUs: settings.intervalUs,
    priority: settings.priority,
    histogramUs: settings.histogramUs,
    cyclictest: { version: context.cyclictestVersion, argv: context.plan.cyclictest },
    kernel: context.kernel,
    startedAt: context.startedAt,
    histogram: histogram.threads.map((thread, index) => ({
      cpu: analysis.threads[index]?.cpu ?? thread.thread,
      buckets: thread.buckets,
      overflows: thread.overflows,
    })),
  };
}

/** "123", ">= 2000" for a percentile that fell among the overflows, "-" for nothing measured. */
export function formatPercentile(value: number | null, overflow: boolean): string {
  if (value === null) return '-';
  return overflow ? `>= ${value}` : String(value);
}

const LOAD_WORDS: Record<Load, string> = {
  none: 'no load',
  half: '50 % CPU load (stress-ng --cpu-load 50 on every CPU)',
  full: '100 % CPU load (stress-ng on every CPU)',
};

export function describeLoad(load: Load): string {
  return LOAD_WORDS[load];
}

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** One table row: label, samples, min, avg, p99, p99.9, max, overflows. */
export function statsRow(label: string, stats: LatencyStats): string[] {
  const show = (value: number | null): string => (value === null ? '-' : String(value));
  return [
    label,
    String(stats.samples),
    show(stats.minUs),
    show(stats.avgUs),
    formatPercentile(stats.p99Us, stats.p99Overflow),
    formatPercentile(stats.p999Us, stats.p999Overflow),
    show(stats.maxUs),
    String(stats.overflows),
  ];
}

export function renderHuman(report: BenchRtReport, palette: Palette, tty: boolean): string {
  const lines: string[] = [];
  lines.push(
    palette.bold(`cyclictest ${report.cyclictest.version ?? '(version unknown)'}`) +
      ` · ${report.threads.length} CPU${report.threads.length === 1 ? '' : 's'} · ${report.elapsedS} of ${report.durationS} s · ${describeLoad(report.load)}`,
  );
  lines.push(palette.dim(`SCHED_FIFO ${report.priority}, interval ${report.intervalUs} µs, histogram to ${report.histogramUs} µs, kernel ${report.kernel.release}${report.kernel.realtime ? ' (PREEMPT_RT)' : ' (not PREEMPT_RT)'}`));
  const table = new Table({
    head: ['CPU', 'samples', 'min µs', 'avg µs', 'p99 µs', 'p99.9 µs', 'max µs', `>= ${report.histogramUs} µs`],
    style: tty ? { head: ['cyan'] } : { head: [], border: [] },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const thread of report.threads) table.push(statsRow(String(thread.cpu), thread));
  table.push(statsRow('all', report.overall));
  lines.push(table.toString());
  if (report.overall.p99Overflow || report.overall.p999Overflow) {
    lines.push(palette.yellow(`Percentiles marked ">=" fell among the samples beyond the ${report.histogramUs} µs histogram; only that lower bound is known (raise --histogram-us).`));
  }
  if (report.interrupted) {
    lines.push(palette.yellow(`Interrupted (${report.stoppedBy === 'watchdog' ? 'watchdog' : 'signal'}) after ${report.elapsedS} s: these numbers cover only that time.`));
  }
  const max = report.overall.maxUs;
  const verdict =
    report.verdict === 'pass'
      ? palette.green(`PASS: max ${max} µs <= target ${report.targetMaxUs} µs`)
      : palette.red(`FAIL: max ${max ?? '-'} µs > target ${report.targetMaxUs} µs`);
  lines.push(verdict);
  if (report.verdict === 'fail' && !report.kernel.realtime) {
    lines.push(palette.dim('This kernel is not PREEMPT_RT; on ArchibaldOS set archibald.audio.kernel.mode = "rt" (a VM adds its own host scheduling delays on top).'));
  }
  return `${lines.join('\n')}\n`;
}

/** The HTML page: stats table and the per-CPU latency histogram on a log count axis. */
export function pageSpec(report: BenchRtReport, escape: (text: string) => string): PageSpec {
  const header = ['CPU', 'samples', 'min µs', 'avg µs', 'p99 µs', 'p99.9 µs', 'max µs', `≥ ${report.histogramUs} µs`];
  const rows = [
    ...report.threads.map((thread) => statsRow(String(thread.cpu), thread)),
    statsRow('all', report.overall),
  ];
  const table = `<table><thead><tr>${header.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const verdictClass = report.verdict === 'pass' ? 'pass' : 'fail';
  const verdict = `<p class="${verdictClass}"><strong>${report.verdict.toUpperCase()}</strong>: max ${escape(String(report.overall.maxUs ?? '-'))} µs against a target of ${report.targetMaxUs} µs${
    report.interrupted ? ` (interrupted after ${report.elapsedS} s)` : ''
  }.</p>`;
  const settings = `<p>cyclictest ${escape(report.cyclictest.version ?? '?')}, ${escape(describeLoad(report.load))}, SCHED_FIFO ${report.priority}, interval ${report.intervalUs} µs, kernel ${escape(report.kernel.release)} (${report.kernel.realtime ? 'PREEMPT_RT' : 'not PREEMPT_RT'}).</p><pre>${escape(report.cyclictest.argv.join(' '))}${report.loadCommand === null ? '' : `\n${escape(report.loadCommand.join(' '))}`}</pre>`;

  const highest = Math.max(0, ...report.histogram.map((cpu) => cpu.buckets.at(-1)?.[0] ?? 0));
  const x = Array.from({ length: highest + 1 }, (_, us) => us);
  const series = report.histogram.map((cpu) => {
    const values: Array<number | null> = new Array<number | null>(x.length).fill(null);
    // Empty buckets stay null: a log axis has no place for zero.
    for (const [us, count] of cpu.buckets) values[us] = count;
    return { label: `CPU ${cpu.cpu}`, values };
  });
  const overflowNote = report.histogram.some((cpu) => cpu.overflows > 0)
    ? `<p class="warn">Not drawn: ${report.histogram.map((cpu) => `CPU ${cpu.cpu}: ${cpu.overflows}`).join(', ')} samples at or above ${report.histogramUs} µs (maximum ${escape(String(report.overall.maxUs))} µs).</p>`
    : '';
  return {
    title: 'ArchibaldOS scheduling latency (cyclictest)',
    subtitle: `${report.startedAt} · ${report.samples} samples · target ${report.targetMaxUs} µs`,
    sections: [
      { heading: 'Result', html: verdict + table + settings },
      {
        heading: 'Latency histogram',
        html: overflowNote,
        charts: [{ title: 'Samples per 1 µs bucket', xLabel: 'latency (µs)', yLabel: 'samples', x, series, kind: 'points', logY: true }],
      },
    ],
  };
}
