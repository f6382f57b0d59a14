/**
 * `bench rtl` and `bench rtl analyze`: option checks, reading and writing, printing. The numbers
 * come from analyze.ts / result.ts; the loops from measure-jack.ts and measure-pipewire.ts.
 */
import path from 'node:path';
import { inputError, usageError } from '../../errors.js';
import { numberOption, printJson, wantProgress } from '../../output.js';
import { renderPage } from '../../html/page.js';
import { saveResult } from '../../system/index.js';
import { printResult, writeReportFiles } from '../plumbing/index.js';
import { readBytes } from './files.js';
import { analysisRows, analyzeWavs, analysisPage, formatRows, toDocument, type Analysis, type Rows } from './result.js';
import { estimateDelay } from './analyze.js';
import { makeStimulus, padded, STIMULUS_KINDS, type StimulusKind } from './stimulus.js';
import { decodeWav } from './wav.js';
import { buildMeasurement, describeMeasurement, measurementRows, type MeasurementDocument } from './measurement.js';

type Options = Record<string, string | boolean | undefined>;

const str = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** --out DIR: bench-rtl.json and bench-rtl.html with the correlation peak plot. */
function writeOut(dir: string, title: string, rows: Rows, analysis: Analysis['estimate'], document: unknown): Promise<string> {
  return writeReportFiles(dir, 'bench-rtl', document, renderPage(analysisPage(title, rows, analysis, document)));
}

export async function runBenchRtlAnalyzeCommand(options: Options): Promise<number> {
  const stimulusFile = str(options.stimulus);
  const recordingFile = str(options.recording);
  if (stimulusFile === undefined || recordingFile === undefined) throw usageError('--stimulus and --recording are required');
  const channel = numberOption('--channel', str(options.channel), { min: 1, max: 64, integer: true });
  const stimulusChannel = numberOption('--stimulus-channel', str(options.stimulusChannel), { min: 1, max: 64, integer: true });
  const [stimulusBytes, recordingBytes] = await Promise.all([readBytes(stimulusFile), readBytes(recordingFile)]);
  const stimulus = decodeWav(stimulusBytes, stimulusFile);
  if (!stimulus.ok) throw inputError(stimulus.error);
  const recording = decodeWav(recordingBytes, recordingFile);
  if (!recording.ok) throw inputError(recording.error);
  const analysis = analyzeWavs(stimulus.wav, recording.wav, {
    ...(channel === undefined ? {} : { channel }),
    ...(stimulusChannel === undefined ? {} : { stimulusChannel }),
  });
  const document = analysis.document;
  const out = str(options.out);
  if (out !== undefined) {
    await writeOut(out, 'Round-trip latency: analysis', analysisRows(document), analysis.estimate, document);
  }
  if (options.json === true) printJson(document);
  else {
    const lines = formatRows(analysisRows(document), 12);
    const stream = document.found ? process.stdout : process.stderr;
    for (const line of lines) stream.write(`${line}\n`);
    if (out !== undefined) process.stdout.write(`report: ${path.join(out, 'bench-rtl.html')}\n`);
  }
  return document.found ? 0 : 1;
}

export async function runBenchRtlCommand(options: Options): Promise<number> {
  const backend = str(options.backend) ?? 'jack';
  if (backend !== 'jack' && backend !== 'pipewire') throw usageError(`--backend must be jack or pipewire (got ${JSON.stringify(backend)})`);
  const kind = (str(options.stimulusKind) ?? 'noise') as StimulusKind;
  if (!STIMULUS_KINDS.includes(kind)) throw usageError(`--stimulus-kind must be one of ${STIMULUS_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  const durationS = numberOption('--duration', str(options.duration), { min: 0.05, max: 30 }) ?? 1;
  const levelDb = numberOption('--level', str(options.level), { min: -60, max: 0 }) ?? -12;
  const selfLoop = options.selfLoop === true;
  const compare = options.compare === true;
  if (compare && backend !== 'jack') throw usageError('--compare runs jack_iodelay and needs --backend jack');
  const quantum = numberOption('--quantum', str(options.quantum), { min: 16, max: 8192, integer: true });
  if (quantum !== undefined && backend !== 'pipewire') throw usageError('--quantum applies to --backend pipewire (a JACK period is set on the server)');
  const playback = str(options.playback);
  const capture = str(options.capture);

  if (wantProgress()) {
    const where = selfLoop ? 'the software loop' : `${playback ?? 'the first physical output'} -> ${capture ?? 'the first physical input'}`;
    process.stderr.write(`playing ${durationS} s of ${kind} through ${where}${compare ? ', then jack_iodelay on the same loop' : ''}...\n`);
  }
  let measured: MeasurementDocument;
  let estimate: Analysis['estimate'];
  if (backend === 'jack') {
    const { captureJack, runIodelay } = await import('./measure-jack.js');
    const rate = 48_000;
    const signal = makeStimulus(kind, { rate, durationS, levelDb });
    // A short lead-in of silence, and a second of tail for the loop's latency.
    const stimulus = padded(signal, 256, 0);
    const loop = { selfLoop, ...(playback === undefined ? {} : { playback }), ...(capture === undefined ? {} : { capture }) };
    const captured = await captureJack(stimulus, rate, loop, rate);
    // The client ran at the server's rate; the stimulus was generated at 48 kHz samples-per-sample,
    // which is the same sequence of numbers at any rate, so only the ms conversion uses the real rate.
    estimate = estimateDelay(stimulus, captured.recording);
    const analysis = toDocument(estimate, { rate: captured.rate, channel: 1, channels: 1, stimulusFrames: stimulus.length, recordingFrames: captured.recording.length });
    const comparison = compare ? await runIodelay({ selfLoop, playback: captured.playback, capture: captured.capture }) : null;
    measured = buildMeasurement({
      backend,
      loop: selfLoop ? 'software (client output -> own input)' : `${captured.playback} -> ${captured.capture}`,
      stimulusKind: kind,
      rate: captured.rate,
      bufferFrames: captured.period,
      nominalFrames: captured.nominalFrames,
      xruns: captured.xruns,
      analysis,
      iodelay: comparison === null ? null : { reading: comparison.reading, requested: true },
    });
  } else {
    const { capturePipewire } = await import('./measure-pipewire.js');
    const rate = 48_000;
    const stimulus = makeStimulus(kind, { rate, durationS, levelDb });
    const captured = await capturePipewire(stimulus, {
      ...(playback === undefined ? {} : { sink: playback }),
      ...(capture === undefined ? {} : { source: capture }),
      selfLoop,
      ...(quantum === undefined ? {} : { quantum }),
    });
    estimate = estimateDelay(captured.reference, captured.recording);
    const analysis = toDocument(estimate, { rate: captured.rate, channel: 2, channels: 2, stimulusFrames: captured.reference.length, recordingFrames: captured.recording.length });
    measured = buildMeasurement({
      backend,
      loop: captured.loop,
      stimulusKind: kind,
      rate: captured.rate,
      bufferFrames: captured.quantum,
      nominalFrames: 0,
      xruns: null,
      analysis,
      iodelay: null,
    });
  }

  try {
    await saveResult('bench-rtl', measured);
  } catch (error) {
    // The measurement stands on its own; a read-only state directory only costs the history.
    process.stderr.write(`archibald: warning: result not saved for report/console: ${(error as Error).message}\n`);
  }
  const out = str(options.out);
  if (out !== undefined) {
    await writeOut(out, `Round-trip latency (${backend})`, measurementRows(measured), estimate, measured);
  }
  printResult(options.json === true, measured, () =>
    [...describeMeasurement(measured), ...(out === undefined ? [] : [`report: ${path.join(out, 'bench-rtl.html')}`])].map((line) => `${line}\n`).join(''),
  );
  if (!measured.analysis.found) return 1;
  return measured.compare !== null && measured.compare.agree === false ? 1 : 0;
}

