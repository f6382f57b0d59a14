/**
 * Xrun forensics for people: one line per xrun for the terminal, the "who came first" summary, and
 * the HTML section bench xruns and tune put on their pages. Pure.
 */
import type { ForensicsSummary, XrunAttribution } from './contract.js';

/** One line per xrun for the terminal: when, the late nodes, and the top suspects. */
export function attributionLine(attribution: XrunAttribution, top = 2): string {
  const when = `${attribution.atS.toFixed(3)} s`;
  const late = attribution.lateNodes.length > 0 ? ` late: ${attribution.lateNodes.join(', ')};` : '';
  if (attribution.note !== null) return `${when}${late} ${attribution.note}`;
  if (attribution.suspects.length === 0) return `${when}${late} no suspect on CPU ${attribution.audioCpus.join(',')} in the ${attribution.windowMs} ms window`;
  const named = attribution.suspects.slice(0, top).map((suspect) => `#${suspect.rank} ${suspect.summary}${suspect.remedy === null ? '' : ` [doctor ${suspect.remedy.check}; ${suspect.remedy.option}]`}`);
  return `${when}${late} ${named.join('; ')}`;
}

const share = (part: number, whole: number): string => (whole === 0 ? '0 %' : `${((part / whole) * 100).toFixed(part === whole ? 0 : 1)} %`);

/** The terminal section: who came first how often, with the fix, then the first few xruns. */
export function forensicsLines(summary: ForensicsSummary, shown = 5): string[] {
  if (summary.xruns === 0) return [`  why           no xrun to explain (sampled ${summary.samples} times at ${summary.sampleHz} Hz, ${summary.cpuPercent.toFixed(3)} % of a core)`];
  const lines = [`  why           ${summary.explained} of ${summary.xruns} xruns have a suspect (sampler ${summary.cpuPercent.toFixed(3)} % of a core)`];
  for (const first of summary.firstSuspects.slice(0, 4)) {
    const fix = first.remedy === null ? '' : ` → doctor ${first.remedy.check}, ${first.remedy.option}`;
    lines.push(`    first in ${share(first.xruns, summary.xruns).padStart(7)}  ${first.label}${fix}`);
  }
  if (summary.note !== null && summary.note !== undefined) lines.push(`    note: ${summary.note}`);
  for (const attribution of summary.attributions.slice(0, shown)) lines.push(`    ${attributionLine(attribution, 1)}`);
  return lines;
}

/** The HTML section: the first-suspect table, then each kept xrun with its ranked suspects. */
export function forensicsHtml(summary: ForensicsSummary, escapeHtml: (text: string) => string, shown = 20): string {
  const e = escapeHtml;
  if (summary.xruns === 0) return `<p>No xrun to explain. The sampler ran at ${summary.sampleHz} Hz (${summary.samples} samples, ${summary.cpuPercent.toFixed(3)} % of a core).</p>`;
  const firsts = summary.firstSuspects
    .map((first) => `<tr><td>${e(first.label)}</td><td>${e(first.kind)}</td><td>${first.xruns} (${share(first.xruns, summary.xruns)})</td><td>${first.remedy === null ? '' : `<code>doctor --only ${e(first.remedy.check)}</code>, <code>${e(first.remedy.option)}</code>`}</td></tr>`)
    .join('');
  const xruns = summary.attributions
    .slice(0, shown)
    .map((a) => {
      const suspects = a.suspects.length === 0 ? `<li>${e(a.note ?? 'no suspect in the window')}</li>` : a.suspects.slice(0, 3).map((s) => `<li>#${s.rank} ${e(s.summary)}<br><small>${s.evidence.map(e).join('<br>')}</small></li>`).join('');
      return `<li>${a.atS.toFixed(3)} s${a.lateNodes.length > 0 ? `, late: ${e(a.lateNodes.join(', '))}` : ''}<ol>${suspects}</ol></li>`;
    })
    .join('');
  return [
    `<p>${summary.explained} of ${summary.xruns} xruns have a suspect; sampled at ${summary.sampleHz} Hz for ${summary.cpuPercent.toFixed(3)} % of a core.${summary.note ? ` ${e(summary.note)}` : ''}</p>`,
    `<table><tr><th>First suspect</th><th>Kind</th><th>Xruns</th><th>What addresses it</th></tr>${firsts}</table>`,
    `<ul>${xruns}</ul>`,
    summary.truncated ? `<p>Only the first ${summary.attributions.length} xruns are kept in detail; the counts cover all.</p>` : '',
  ].join('');
}
