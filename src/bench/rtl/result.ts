/**
 * From decoded WAVs to the documented JSON (pure): channel choice, rate check, the estimate, and
 * the HTML page description. The command files only read, write and print.
 */
import { inputError } from '../../errors.js';
import type { PageSpec } from '../../html/page.js';
import { estimateDelay, type DelayEstimate } from './analyze.js';
import type { AnalysisDocument } from './schema.js';
import type { Wav } from './wav.js';

export type { AnalysisDocument } from './schema.js';

export interface Analysis {
  document: AnalysisDocument;
  estimate: DelayEstimate;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function toDocument(estimate: DelayEstimate, meta: { rate: number; channel: number; channels: number; stimulusFrames: number; recordingFrames: number }): AnalysisDocument {
  const found = estimate.latencyFrames !== null;
  return {
    version: 1,
    method: 'gcc-phat',
    rate: meta.rate,
    latencyFrames: estimate.latencyFrames === null ? null : round(estimate.latencyFrames, 4),
    latencyMs: estimate.latencyFrames === null ? null : round((estimate.latencyFrames / meta.rate) * 1000, 5),
    confidence: round(estimate.confidence, 4),
    inverted: estimate.inverted,
    found,
    peakToNoise: round(estimate.peakToNoise, 2),
    excess: round(estimate.excess, 3),
    secondPeakRatio: round(estimate.secondPeakRatio, 4),
    channel: meta.channel,
    channels: meta.channels,
    stimulusFrames: meta.stimulusFrames,
    recordingFrames: meta.recordingFrames,
  };
}

function pickChannel(wav: Wav, channel: number | undefined, what: string): number {
  if (channel === undefined) return 1;
  if (channel > wav.channels.length) throw inputError(`${what} has ${wav.channels.length} channel(s); --channel ${channel} does not exist`);
  return channel;
}

/** Analyses one recording channel, or every channel and keeps the most confident. */
export function analyzeWavs(stimulus: Wav, recording: Wav, options: { channel?: number; stimulusChannel?: number } = {}): Analysis {
  if (stimulus.rate !== recording.rate) {
    throw inputError(`sample rates differ: stimulus ${stimulus.rate} Hz, recording ${recording.rate} Hz (resample one of them first)`);
  }
  const stimulusChannel = pickChannel(stimulus, options.stimulusChannel, 'the stimulus');
  const x = stimulus.channels[stimulusChannel - 1] as Float32Array;
  const candidates = options.channel === undefined ? recording.channels.map((_, i) => i + 1) : [pickChannel(recording, options.channel, 'the recording')];
  let best: Analysis | null = null;
  for (const channel of candidates) {
    const y = recording.channels[channel - 1] as Float32Array;
    const estimate = estimateDelay(x, y);
    const document = toDocument(estimate, {
      rate: recording.rate,
      channel,
      channels: recording.channels.length,
      stimulusFrames: x.length,
      recordingFrames: y.length,
    });
    if (best === null || estimate.confidence > best.estimate.confidence) best = { document, estimate };
  }
  return best as Analysis;
}

/** Label/value pairs: printed as aligned lines in a terminal, as a table in the HTML report. */
export type Rows = Array<[string, string]>;

export function analysisRows(document: AnalysisDocument): Rows {
  if ((document.latencyFrames === null || document.latencyMs === null) && document.excess >= 2) {
    return [
      ['result', `ambiguous: the stimulus is there, but a second peak is ${(document.secondPeakRatio * 100).toFixed(0)}% as high (confidence ${document.confidence.toFixed(2)})`],
      ['check', 'a stimulus played twice in the recording, a periodic stimulus, or an echo as loud as the direct path'],
    ];
  }
  if (document.latencyFrames === null || document.latencyMs === null) {
    return [
      ['result', `no trace of the stimulus in the recording (confidence ${document.confidence.toFixed(2)}, peak ${document.excess.toFixed(2)}x what noise alone reaches)`],
      ['check', 'the loop: cable, ports, levels, and that the recording covers the whole stimulus'],
    ];
  }
  return [
    ['latency', `${document.latencyFrames.toFixed(3)} frames = ${document.latencyMs.toFixed(3)} ms at ${document.rate} Hz`],
    ['confidence', `${document.confidence.toFixed(3)} (peak ${document.peakToNoise.toFixed(0)}x the correlation's noise floor, runner-up ${(document.secondPeakRatio * 100).toFixed(1)}%)`],
    ['polarity', document.inverted ? 'INVERTED (the loop flips the signal)' : 'normal'],
    ['channel', `${document.channel} of ${document.channels}`],
  ];
}

export const formatRows = (rows: Rows, width = 14): string[] => rows.map(([label, value]) => `${label.padEnd(width)}${value}`);

const escape = (text: string): string => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

/** The HTML report: a summary table, the correlation around its peak, and the JSON. */
export function analysisPage(title: string, rows: Rows, estimate: DelayEstimate, document: unknown): PageSpec {
  const table = `<table>${rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`;
  const peak = document !== null && typeof document === 'object' && 'latencyFrames' in document ? (document as { latencyFrames: unknown }).latencyFrames : null;
  const charts =
    estimate.window.lags.length === 0
      ? []
      : [
          {
            title: `Whitened cross-correlation around its peak${typeof peak === 'number' ? ` (maximum at ${peak.toFixed(3)} frames)` : ''}`,
            xLabel: 'lag (frames)',
            yLabel: 'correlation (peak = 1)',
            x: estimate.window.lags,
            series: [{ label: 'r, band-limited between frames', values: estimate.window.values }],
            kind: 'line' as const,
          },
          {
            title: 'The peak against the noise floor (largest |r| per bin, log scale)',
            xLabel: 'lag (frames)',
            yLabel: '|r| / peak',
            x: estimate.overview.lags,
            series: [{ label: '|r|', values: estimate.overview.values }],
            kind: 'line' as const,
            logY: true,
          },
        ];
  return {
    title,
    subtitle: 'archibald bench rtl',
    sections: [
      { heading: 'Result', html: table, charts },
      { heading: 'JSON', html: `<pre>${escape(JSON.stringify(document, null, 2))}</pre>` },
    ],
  };
}
