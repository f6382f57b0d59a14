/**
 * The `bench rtl` result (pure): the analysed loop, what part of it the buffers explain, the
 * extra frames to give Ardour, and jack_iodelay's reading beside ours.
 */
import type { IodelayReading } from './iodelay.js';
import type { Rows } from './result.js';
import type { AnalysisDocument, MeasurementDocument } from './schema.js';

export interface MeasurementInput {
  backend: 'jack' | 'pipewire';
  loop: string;
  stimulusKind: string;
  rate: number;
  /** JACK period or PipeWire quantum the loop ran at. */
  bufferFrames: number;
  /** Latency the server itself reports for the ports in the loop (JACK port latency ranges). */
  nominalFrames: number;
  xruns: number | null;
  analysis: AnalysisDocument;
  iodelay: { reading: IodelayReading | null; requested: boolean } | null;
}

export type { MeasurementDocument } from './schema.js';

/** Two measurements of one loop agree when they are within one frame. */
export const AGREEMENT_FRAMES = 1;

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function buildMeasurement(input: MeasurementInput): MeasurementDocument {
  const latency = input.analysis.latencyFrames;
  const extra = latency === null ? null : round(latency - input.nominalFrames, 3);
  const reading = input.iodelay?.reading ?? null;
  const difference = reading === null || latency === null ? null : round(latency - reading.frames, 3);
  return {
    version: 1,
    backend: input.backend,
    loop: input.loop,
    stimulusKind: input.stimulusKind,
    rate: input.rate,
    bufferFrames: input.bufferFrames,
    latencyFrames: latency,
    latencyMs: input.analysis.latencyMs,
    confidence: input.analysis.confidence,
    inverted: input.analysis.inverted,
    nominalFrames: input.nominalFrames,
    extraFrames: extra,
    // jack_iodelay's convention: half of the extra on the input side, half on the output side.
    // Negative means the server claims more latency than the loop has (a dummy or misreporting
    // driver); Ardour cannot take a negative systemic latency, so there is nothing to enter.
    ardour: extra === null || extra < 0 ? null : { systemicInputFrames: Math.round(extra / 2), systemicOutputFrames: Math.round(extra) - Math.round(extra / 2) },
    xruns: input.xruns,
    analysis: input.analysis,
    compare:
      input.iodelay === null
        ? null
        : {
            tool: 'jack_iodelay',
            latencyFrames: reading?.frames ?? null,
            latencyMs: reading?.ms ?? null,
            extraFrames: reading?.extraFrames ?? null,
            inverted: reading?.inverted ?? false,
            differenceFrames: difference,
            agree: difference === null ? null : Math.abs(difference) <= AGREEMENT_FRAMES,
          },
  };
}

const frames = (value: number | null, rate: number): string => (value === null ? 'not found' : `${value.toFixed(3)} frames  ${((value / rate) * 1000).toFixed(3)} ms`);

export function describeMeasurement(doc: MeasurementDocument): string[] {
  const lines = [
    `backend       ${doc.backend}, ${doc.rate} Hz, ${doc.backend === 'jack' ? 'period' : 'quantum'} ${doc.bufferFrames}`,
    `loop          ${doc.loop}`,
    `stimulus      ${doc.stimulusKind}`,
  ];
  if (doc.compare === null) {
    lines.push(`round trip    ${frames(doc.latencyFrames, doc.rate)}`);
  } else {
    lines.push(`              ${'archibald'.padEnd(28)}jack_iodelay`);
    lines.push(`round trip    ${frames(doc.latencyFrames, doc.rate).padEnd(28)}${frames(doc.compare.latencyFrames, doc.rate)}`);
    lines.push(`extra         ${(doc.extraFrames === null ? '-' : `${doc.extraFrames.toFixed(3)} frames`).padEnd(28)}${doc.compare.extraFrames === null ? '-' : `${doc.compare.extraFrames} frames`}`);
    lines.push(
      `agreement     ${doc.compare.differenceFrames === null ? 'cannot compare' : `${doc.compare.differenceFrames >= 0 ? '+' : ''}${doc.compare.differenceFrames.toFixed(3)} frames (${doc.compare.agree === true ? 'agree' : 'DISAGREE'}, limit ${AGREEMENT_FRAMES} frame)`}`,
    );
  }
  lines.push(`confidence    ${doc.confidence.toFixed(3)}${doc.inverted ? '  polarity INVERTED' : ''}`);
  if (doc.latencyFrames === null) {
    lines.push(`check         nothing came back: is the cable from ${doc.loop.replace(' -> ', ' to ')}? input gain up, interface not muted, and no loop longer than a second?`);
  }
  if (doc.extraFrames !== null && doc.compare === null) lines.push(`nominal       ${doc.nominalFrames} frames reported by the server for these ports; extra ${doc.extraFrames.toFixed(3)} frames`);
  if (doc.extraFrames !== null && doc.extraFrames < 0) {
    lines.push(`ardour        nothing to enter: the server reports ${doc.nominalFrames} frames for these ports, more than the ${doc.latencyFrames?.toFixed(3) ?? '-'} measured`);
  }
  if (doc.ardour !== null) {
    lines.push(`ardour        systemic latency: input ${doc.ardour.systemicInputFrames}, output ${doc.ardour.systemicOutputFrames} frames (Window > Audio/MIDI Setup > Advanced)`);
  }
  if (doc.xruns !== null && doc.xruns > 0) lines.push(`xruns         ${doc.xruns} during the measurement (repeat it)`);
  return lines;
}

/** The same facts as label/value rows for the HTML report (no side-by-side columns there). */
export function measurementRows(doc: MeasurementDocument): Rows {
  const rows: Rows = [
    ['backend', `${doc.backend}, ${doc.rate} Hz, ${doc.backend === 'jack' ? 'period' : 'quantum'} ${doc.bufferFrames}`],
    ['loop', doc.loop],
    ['stimulus', doc.stimulusKind],
    ['round trip', frames(doc.latencyFrames, doc.rate)],
    ['confidence', `${doc.confidence.toFixed(3)}${doc.inverted ? ', polarity INVERTED' : ''}`],
    ['nominal', `${doc.nominalFrames} frames reported by the server for these ports`],
    ['extra', doc.extraFrames === null ? '-' : `${doc.extraFrames.toFixed(3)} frames`],
  ];
  if (doc.ardour !== null) rows.push(['Ardour', `systemic latency: input ${doc.ardour.systemicInputFrames}, output ${doc.ardour.systemicOutputFrames} frames`]);
  if (doc.compare !== null) {
    rows.push(['jack_iodelay', frames(doc.compare.latencyFrames, doc.rate)]);
    rows.push(['difference', doc.compare.differenceFrames === null ? 'cannot compare' : `${doc.compare.differenceFrames.toFixed(3)} frames (${doc.compare.agree === true ? 'agree' : 'DISAGREE'})`]);
  }
  if (doc.xruns !== null) rows.push(['xruns', String(doc.xruns)]);
  return rows;
}
