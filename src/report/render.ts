/** Pure: the report's data as an HTML page description (renderPage) and as Markdown for an issue. */
import { benchRtPageSpec, benchXrunsPageSpec, readBenchRt, readBenchRtl, readBenchXruns, type BenchRtlSummary, type BenchRtSummary, type BenchXrunsSummary, type SavedDocument } from '../bench/index.js';
import type { LatencyReport } from '../latency/index.js';
import type { GroupedDoctor } from '../doctor/index.js';
import type { ReportData, SavedResult } from './gather.js';
import { escapeHtml, type ChartSpec, type PageSection, type PageSpec } from '../html/page.js';
import { tunePageSpec, tuneReportSchema } from '../tune/index.js';

type Check = GroupedDoctor['report']['checks'][number];

const SYMBOL: Record<Check['status'], string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

function knownText<T>(known: { ok: true; value: T } | { ok: false; reason: string }, show: (value: T) => string): string {
  return known.ok ? show(known.value) : `unknown (${known.reason})`;
}

export function identityRows(data: ReportData): Array<[string, string]> {
  const { identity } = data;
  return [
    ['Host', identity.hostname ?? 'unknown'],
    ['OS', identity.os ?? 'unknown'],
    ['nixos-version', identity.nixosVersion.ok ? identity.nixosVersion.value : identity.nixosVersion.reason],
    ['uname -r', knownText(identity.kernel, (kernel) => kernel)],
    ['CPU', knownText(identity.cpu, (cpu) => `${cpu.model ?? 'unknown model'} × ${cpu.logicalCpus} logical CPUs`)],
    [
      'Audio devices',
      knownText(identity.soundCards, (cards) =>
        cards.length === 0 ? 'none (no sound cards)' : cards.map((card) => `${card.index}: ${card.name} [${card.id}, ${card.driver}]`).join('; '),
      ),
    ],
  ];
}

const table = (header: string[], rows: string[][]): string =>
  `<table><thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

function doctorSection(data: ReportData): PageSection {
  if (!data.doctor.ok) return { heading: 'Doctor', html: `<p class="fail">The doctor could not run: ${escapeHtml(data.doctor.reason)}</p>` };
  const { report, groups, groupOrder } = data.doctor.value;
  const counts = `<p>${(['pass', 'warn', 'fail', 'skip'] as const).map((status) => `<span class="${status}"><b>${report.counts[status]}</b> ${status}</span>`).join(' · ')}</p>`;
  const byGroup = groupOrder
    .map((group) => {
      const rows = report.checks.filter((check) => groups[check.id] === group);
      if (rows.length === 0) return '';
      return `<h3>${escapeHtml(group)}</h3>${table(
        ['', 'Check', 'Result and fix (NixOS)'],
        rows.map((check) => [
          `<span class="${check.status}">${escapeHtml(check.status.toUpperCase())}</span>`,
          `<code>${escapeHtml(check.id)}</code>`,
          escapeHtml(check.summary) + (check.fix === null ? '' : `<pre>${escapeHtml(check.fix.nix)}</pre>`),
        ]),
      )}`;
    })
    .join('');
  return { heading: 'Doctor', html: counts + byGroup };
}

const sourceLine = (saved: SavedResult): string => `<p class="skip">From ${escapeHtml(saved.file)}</p>`;

/** The bench's own page sections (the same tables and charts as `bench … --out`) for a full document. */
function ownSections<T>(saved: SavedResult, label: string, document: T, spec: (document: T, escape: (text: string) => string) => PageSpec): PageSection[] {
  return spec(document, escapeHtml).sections.map((section, index) => ({
    ...section,
    heading: `${label}: ${section.heading}`,
    html: (index === 0 ? sourceLine(saved) : '') + (section.html ?? ''),
  }));
}

const unreadable = (saved: SavedResult, heading: string, reason: string): PageSection => ({
  heading,
  html: `${sourceLine(saved)}<p class="fail">This saved result does not match its schema: ${escapeHtml(reason)}</p>`,
});

function rtSections(saved: SavedResult): PageSection[] {
  const read = readBenchRt(saved.document);
  if (read.shape === 'full') return ownSections(saved, 'Scheduling latency', read.document, benchRtPageSpec);
  if (read.shape === 'unreadable') return [unreadable(saved, 'Scheduling latency (bench rt)', read.reason)];
  const show = (value: number | null): string => (value === null ? '—' : String(value));
  return [
    {
      heading: 'Scheduling latency (bench rt)',
      html:
        sourceLine(saved) +
        table(
          ['CPU', 'min µs', 'avg µs', 'max µs', 'p99 µs', 'p99.9 µs'],
          read.document.threads.map((t) => [String(t.cpu), show(t.minUs), t.avgUs === null ? '—' : t.avgUs.toFixed(1), show(t.maxUs), show(t.p99Us), show(t.p999Us)]),
        ),
    },
  ];
}

/** The saved tune result's own page sections, headed as tune's; nothing when it does not parse. */
function tuneSections(saved: SavedResult | null): PageSection[] {
  const parsed = saved === null ? null : tuneReportSchema.safeParse(saved.document);
  if (saved === null || parsed === null || !parsed.success) return [];
  return tunePageSpec(parsed.data, escapeHtml).sections.map((section) => ({ ...section, heading: `Tune: ${section.heading.toLowerCase()}`, html: section.html === undefined ? undefined : `${sourceLine(saved)}${section.html}` }));
}

function xrunsSections(saved: SavedResult): PageSection[] {
  const read = readBenchXruns(saved.document);
  if (read.shape === 'full') return ownSections(saved, 'Xruns', read.document, benchXrunsPageSpec);
  if (read.shape === 'unreadable') return [unreadable(saved, 'Xruns (bench xruns)', read.reason)];
  return [xrunsSection(saved, read.document)];
}

function xrunsSection(saved: SavedResult, doc: BenchXrunsSummary): PageSection {
  const times = doc.xrunTimesS ?? [];
  const summary = `${sourceLine(saved)}<p><b>${doc.xruns}</b> xruns in ${doc.cycles} cycles (${doc.xrunPercent?.toFixed(3) ?? '?'} %) over ${doc.durationS} s.</p>`;
  // Empty points at 0 and at the end make the axis span the whole session, not just the xruns.
  const end = Math.max(doc.durationS, ...times, 1);
  const edges = [0, end].filter((edge) => !times.includes(edge)).map((edge) => [edge, null] as const);
  const points = [...edges, ...times.map((at) => [at, 1] as const)].sort((a, b) => a[0] - b[0]);
  return {
    heading: 'Xruns (bench xruns)',
    html: summary,
    charts: [{ title: 'Xrun timeline', xLabel: 'seconds into the session', yLabel: 'xruns', x: points.map(([at]) => at), series: [{ label: 'xruns', values: points.map(([, n]) => n), colour: '#dc2626' }], kind: 'points' }],
  };
}

function rtlSection(saved: SavedResult): PageSection {
  const heading = 'Round-trip latency (bench rtl)';
  const read = readBenchRtl(saved.document);
  if (read.shape === 'unreadable') return unreadable(saved, heading, read.reason);
  const { latencyMs: ms, latencyFrames: frames, confidence } = read.document;
  return {
    heading,
    html: `${sourceLine(saved)}<p>${ms === null ? 'no figure' : `<b>${ms.toFixed(3)} ms</b>`}${frames === null ? '' : ` (${frames.toFixed(2)} frames)`}${
      confidence === undefined ? '' : `, confidence ${confidence.toFixed(2)}`
    }</p><pre>${escapeHtml(JSON.stringify(saved.document, null, 2).slice(0, 4000))}</pre>`,
  };
}

const latencyDocument = (known: ReportData['latency']): LatencyReport | null => (known.ok ? known.value : null);

function latencySection(data: ReportData): PageSection {
  const doc = latencyDocument(data.latency);
  if (doc === null) return { heading: 'Latency model', html: `<p class="skip">${escapeHtml(data.latency.ok ? 'archibald latency printed an unexpected document' : data.latency.reason)}</p>` };
  const rows = doc.stages.map((stage) => [escapeHtml(stage.name), String(stage.frames), stage.ms.toFixed(3), escapeHtml(stage.formula)]);
  rows.push(['<b>total round trip</b>', `<b>${doc.totalFrames}</b>`, `<b>${doc.totalMs.toFixed(3)}</b>`, '']);
  const measured =
    doc.measured === undefined
      ? '<p class="skip">No measured round trip: run <code>archibald bench rtl</code>.</p>'
      : `<p>Measured round trip <b>${doc.measured.measuredMs.toFixed(3)} ms</b> (${doc.measured.measuredFramesAtModelRate} frames); not explained by the model ${doc.measured.unexplainedMs.toFixed(3)} ms; systemic latency to enter in Ardour: <b>${doc.measured.systemicFrames} frames</b>.</p>`;
  return {
    heading: 'Latency model',
    html: `<p>${doc.rate} Hz, quantum ${doc.quantum}${`, ${doc.periods} periods`}${`, ${escapeHtml(doc.device)}`}: <b>${doc.totalMs.toFixed(3)} ms</b> round trip (model).</p>${table(['Stage', 'frames', 'ms', 'how'], rows)}${measured}`,
  };
}

export function reportPage(data: ReportData): PageSpec {
  const identity = `<table><tbody>${identityRows(data)
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}</tbody></table>`;
  const { rt, rtl, xruns } = data.results;
  const benches: PageSection[] = [
    ...(rt === null ? [] : rtSections(rt)),
    ...(xruns === null ? [] : xrunsSections(xruns)),
    ...(rtl === null ? [] : [rtlSection(rtl)]),
    ...tuneSections(data.results.tune ?? null),
  ];
  const profile = data.profile.ok
    ? `<p>From <code>${escapeHtml(data.profile.value.path)}</code></p><pre>${escapeHtml(JSON.stringify(data.profile.value.profile, null, 2))}</pre>`
    : `<p class="fail">${escapeHtml(data.profile.reason)}</p>`;
  return {
    title: 'ArchibaldOS system report',
    subtitle: `${data.identity.hostname ?? 'unknown host'} · generated ${data.generatedAt}`,
    sections: [
      { heading: 'System', html: identity },
      doctorSection(data),
      latencySection(data),
      ...(benches.length > 0
        ? benches
        : [{ heading: 'Benchmarks', html: '<p class="skip" id="no-bench-results">No benchmark results saved yet: run <code>archibald bench rt</code>, <code>archibald bench xruns</code> or <code>archibald bench rtl</code>, then make the report again.</p>' }]),
      { heading: 'Profile', html: profile },
    ],
  };
}

/** A table cell: no pipes or line breaks to break the row. */
const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');

/** Inline code that survives backticks inside. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat}${fence}`;
}

function rtLine(doc: BenchRtSummary): string {
  const { overall } = doc;
  return `${doc.verdict ?? '?'}, max ${overall.maxUs ?? '?'} µs, p99 ${overall.p99Us ?? '?'} µs, p99.9 ${overall.p999Us ?? '?'} µs${doc.durationS === undefined ? '' : `, ${doc.durationS} s`}${doc.load === undefined ? '' : `, load ${doc.load}`}`;
}

/** A full document is also a summary: every reader's full schema extends its summary's fields. */
function savedLine<Full extends Summary, Summary>(read: SavedDocument<Full, Summary>, line: (document: Summary) => string): string {
  return read.shape === 'unreadable' ? `does not match its schema (${read.reason})` : line(read.document);
}

function benchLines(data: ReportData): string[] {
  const lines: string[] = [];
  const { rt, xruns, rtl } = data.results;
  if (rt !== null) lines.push(`- **bench rt** (${code(rt.file)}): ${savedLine(readBenchRt(rt.document), rtLine)}`);
  if (xruns !== null) {
    lines.push(`- **bench xruns** (${code(xruns.file)}): ${savedLine(readBenchXruns(xruns.document), (doc) => `${doc.xruns} xruns in ${doc.cycles} cycles (${doc.xrunPercent?.toFixed(3) ?? '?'} %) over ${doc.durationS} s`)}`);
  }
  if (rtl !== null) {
    const line = ({ latencyMs: ms, latencyFrames: frames }: BenchRtlSummary): string => `round trip ${ms === null ? '?' : `${ms.toFixed(3)} ms`}${frames === null ? '' : ` (${frames.toFixed(2)} frames)`}`;
    lines.push(`- **bench rtl** (${code(rtl.file)}): ${savedLine(readBenchRtl(rtl.document), line)}`);
  }
  const tune = data.results.tune ?? null;
  const tuned = tune === null ? null : tuneReportSchema.safeParse(tune.document);
  if (tune !== null && tuned !== null && tuned.success) {
    const doc = tuned.data;
    lines.push(`- **tune** (${code(tune.file)}): ${doc.verdict === 'found' ? `safe quantum ${doc.safeQuantum}` : doc.verdict}, load ${doc.settings.load}, DSP ${doc.settings.dspPercent} %, steps ${doc.steps.map((step) => `${step.quantum} ${step.verdict}`).join(', ')}`);
  }
  return lines.length > 0 ? lines : ['_No benchmark results saved yet._'];
}

export function reportMarkdown(data: ReportData, htmlFile: string | null): string {
  const out: string[] = [`### ArchibaldOS system report`, '', `Generated ${data.generatedAt}${htmlFile === null ? '' : ` (full report with plots: ${code(htmlFile)})`}.`, ''];
  out.push('| | |', '|---|---|');
  for (const [key, value] of identityRows(data)) out.push(`| ${cell(key)} | ${cell(value)} |`);
  if (data.profile.ok) {
    const p = data.profile.value.profile;
    out.push(`| Profile | ${cell(`${p.name}: ${p.pipewire.rate} Hz, quantum ${p.pipewire.quantum}, kernel ${p.kernel.mode} (${data.profile.value.path})`)} |`);
  } else out.push(`| Profile | ${cell(data.profile.reason)} |`);
  out.push('', '**Doctor**', '');
  if (!data.doctor.ok) out.push(`The doctor could not run: ${data.doctor.reason}`);
  else {
    const { report } = data.doctor.value;
    out.push(`${report.counts.pass} pass, ${report.counts.warn} warn, ${report.counts.fail} fail, ${report.counts.skip} skip`, '');
    for (const check of report.checks.filter((c) => c.status === 'fail' || c.status === 'warn')) {
      out.push(`- ${SYMBOL[check.status]} ${code(check.id)}: ${check.summary.replace(/[\r\n]+/g, ' ')}`);
      if (check.fix !== null) out.push(`  fix: ${code(check.fix.nix)}`);
    }
  }
  const latency = latencyDocument(data.latency);
  out.push('', '**Latency model**', '');
  if (latency === null) out.push(data.latency.ok ? 'unexpected document from archibald latency' : `not available: ${data.latency.reason}`);
  else {
    out.push(`${latency.totalMs.toFixed(3)} ms round trip (${latency.totalFrames} frames) at ${latency.rate} Hz, quantum ${latency.quantum}`);
    if (latency.measured !== undefined) out.push(`measured ${latency.measured.measuredMs.toFixed(3)} ms; systemic latency ${latency.measured.systemicFrames} frames`);
  }
  out.push('', '**Benchmarks**', '', ...benchLines(data), '');
  if (data.profile.ok) {
    const json = JSON.stringify(data.profile.value.profile, null, 2);
    out.push('<details><summary>Profile JSON</summary>', '', '```json', json.replace(/```/g, '`\u200b``'), '```', '', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}
