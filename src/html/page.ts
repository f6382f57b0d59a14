/**
 * Self-contained HTML pages with uPlot charts: uPlot's own script and stylesheet are inlined, so a
 * page opens offline (live ISO, a bug tracker attachment) with no CDN. Charts are described as data
 * (ChartSpec); the page's small bootstrap script turns each into a uPlot instance.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartSeries {
  label: string;
  /** y values aligned with the chart's x values; null leaves a gap (needed for zeros on a log axis). */
  values: Array<number | null>;
  colour?: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: ChartSeries[];
  kind?: 'line' | 'bars' | 'points';
  logY?: boolean;
  /** A base-2 logarithmic x axis (quanta are powers of two). */
  logX?: boolean;
  width?: number;
  height?: number;
}

export interface PageSection {
  heading: string;
  /** Trusted HTML produced by our own code (escape user data with escapeHtml). */
  html?: string;
  charts?: ChartSpec[];
}

export interface PageSpec {
  title: string;
  subtitle?: string;
  sections: PageSection[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

let cachedAssets: { js: string; css: string } | null = null;

function uplotAssets(): { js: string; css: string } {
  if (cachedAssets !== null) return cachedAssets;
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  cachedAssets = { js, css };
  return cachedAssets;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const BOOTSTRAP = `
for (const el of document.querySelectorAll('[data-chart]')) {
  const spec = JSON.parse(el.querySelector('script').textContent);
  const bars = spec.kind === 'bars' ? uPlot.paths.bars({ size: [0.9, 40] }) : undefined;
  const opts = {
    title: spec.title,
    width: spec.width || 900,
    height: spec.height || 320,
    scales: { x: spec.logX ? { time: false, distr: 3, log: 2 } : { time: false }, y: spec.logY ? { distr: 3, log: 10 } : {} },
    axes: [{ label: spec.xLabel }, { label: spec.yLabel }],
    series: [{ label: spec.xLabel }].concat(spec.series.map((s, i) => ({
      label: s.label,
      stroke: s.colour,
      fill: spec.kind === 'bars' ? s.colour + '55' : undefined,
      paths: bars,
      points: spec.kind === 'points' ? { show: true, size: 6 } : { show: spec.kind !== 'bars' && spec.x.length < 60 },
      width: spec.kind === 'points' ? 0 : 1.5,
    }))),
  };
  new uPlot(opts, [spec.x].concat(spec.series.map((s) => s.values)), el);
}
document.documentElement.dataset.chartsReady = String(document.querySelectorAll('.uplot').length);
`;

export function renderPage(page: PageSpec): string {
  const { js, css } = uplotAssets();
  let chartIndex = 0;
  const body = page.sections
    .map((section) => {
      const charts = (section.charts ?? [])
        .map((chart) => {
          const spec = {
            ...chart,
            series: chart.series.map((s, i) => ({ ...s, colour: s.colour ?? PALETTE[i % PALETTE.length] })),
          };
          return `<figure class="chart" data-chart id="chart-${chartIndex++}"><script type="application/json">${scriptJson(spec)}</script></figure>`;
        })
        .join('\n');
      return `<section><h2>${escapeHtml(section.heading)}</h2>${section.html ?? ''}${charts}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${css}
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#111}
h1{margin-bottom:.2rem}.subtitle{color:#555;margin-top:0}section{margin:2rem 0}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}
th{background:#f4f4f5}.pass{color:#15803d}.warn{color:#b45309}.fail{color:#b91c1c}.skip{color:#6b7280}
pre,code{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f4f5;padding:.6rem;overflow:auto}
figure.chart{margin:1rem 0}</style>
</head><body>
<h1>${escapeHtml(page.title)}</h1>${page.subtitle === undefined ? '' : `<p class="subtitle">${escapeHtml(page.subtitle)}</p>`}
${body}
<script>${js}</script>
<script>${BOOTSTRAP}</script>
</body></html>
`;
}
