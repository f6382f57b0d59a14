/** `archibald tune`: settings in, the ladder walked on the running graph, the verdict out. */
import { ArchibaldError } from '../errors.js';
import { colours, useColour } from '../output.js';
import { escapeHtml, renderPage } from '../html/page.js';
import { printResult, startProgress, tenths, writeOutDir, type ProgressOutput } from '../bench/index.js';
import { latencyBudget } from '../latency/index.js';
import { detectNixos, loadProfile, writeProfileValues, type Profile } from '../profile/index.js';
import { hostSystem, latestResult, saveResult } from '../system/index.js';
import type { TuneProgress, TuneReport } from './contract.js';
import { exitCodeFor, parseSettings, profileChanges, quantumLadder, startQuantum, type TuneSettings } from './plan.js';
import { buildReport, pageSpec, renderHuman, stepLine } from './report.js';
import { runTune, type StepProgress, type TuneHooks } from './run.js';

/** A bar per step (quantum, hold time, xruns) with each finished step's line between them, or ndjson for the console. */
function startTuneProgress(settings: TuneSettings, steps: number): Promise<ProgressOutput<StepProgress> | null> {
  const durationS = steps * settings.holdS;
  return startProgress<StepProgress>(settings.progress, {
    barFormat: 'step {step}/{steps} quantum {quantum} [{bar}] {elapsed}/{hold} s | {xruns} xruns',
    bar: (p) => ({
      total: p.holdS,
      value: p.stepElapsedS,
      segment: p.step,
      fields: { step: p.step, steps: p.steps, quantum: p.quantum, elapsed: Math.floor(p.stepElapsedS), hold: p.holdS, xruns: p.xruns },
    }),
    record: (p): TuneProgress => ({ ...p, elapsedS: tenths((p.step - 1) * settings.holdS + p.stepElapsedS), durationS, stepElapsedS: tenths(p.stepElapsedS) }),
  });
}

async function latencyAt(quantum: number, profile: Profile, rate: number): Promise<TuneReport['latency']> {
  const budget = latencyBudget({
    rate: rate > 0 ? rate : profile.pipewire.rate,
    quantum,
    periods: profile.device.periods,
    device: profile.device.type,
    engine: 'pipewire',
    usbSpeed: 'high',
    usbLowlatency: profile.usbAudio.lowlatency,
    jackBridge: profile.pipewire.jackBridge,
    pluginFrames: 0,
  });
  const rtl = await latestResult('bench-rtl');
  const doc = rtl?.document as { latencyMs?: unknown; quantum?: unknown; period?: unknown } | undefined;
  const measuredMs = typeof doc?.latencyMs === 'number' && Number.isFinite(doc.latencyMs) ? doc.latencyMs : null;
  const q = [doc?.quantum, doc?.period].find((v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0) ?? null;
  return { quantum, modelMs: budget.totalMs, modelFrames: budget.totalFrames, measuredMs, measuredQuantum: measuredMs === null ? null : q };
}

async function write(settings: TuneSettings, safeQuantum: number, profile: Profile): Promise<NonNullable<TuneReport['written']>> {
  const changes = profileChanges(safeQuantum, profile.pipewire);
  const file = await writeProfileValues(settings.file, changes);
  const nixos = await detectNixos();
  // On NixOS the profile only becomes the system's clock through a rebuild, which tune never starts.
  const applyCommand = nixos.nixos ? `sudo archibald apply${settings.file === undefined ? '' : ` --file ${settings.file}`}` : null;
  return { file, changes, applyCommand };
}

export async function runTuneCommand(options: Record<string, unknown>): Promise<number> {
  const settings = parseSettings(options);
  const { profile } = await loadProfile(settings.file);
  const from = startQuantum(settings, profile.pipewire.maxQuantum);
  const steps = quantumLadder(from, settings.to).length;
  const sink = await startTuneProgress(settings, steps);
  let run;
  try {
    run = await runTune(settings, from, hostSystem(), {
      onProgress: (p) => sink?.update(p),
      onStepDone: (step) => sink?.note(stepLine(step)),
    });
  } finally {
    sink?.done();
  }
  if (run.steps.length === 0 && !run.interrupted) throw new ArchibaldError('TOOL_FAILED', 'no step ran');
  const safe = run.steps.filter((step) => step.verdict === 'held').map((step) => step.quantum);
  const safeQuantum = safe.length === 0 ? null : Math.min(...safe);
  const latency = safeQuantum === null ? null : await latencyAt(safeQuantum, profile, run.rate);
  const complete = !run.interrupted && safeQuantum !== null;
  const written = settings.write && complete ? await write(settings, safeQuantum, profile) : null;
  const report = buildReport({ run, settings, from, latency, written });

  await writeOutDir(settings, 'tune', report, () => renderPage(pageSpec(report, escapeHtml)));
  if (!run.interrupted) await saveResult('tune', report);
  if (settings.write && !complete) process.stderr.write('archibald: nothing written to the profile: no safe quantum was established\n');

  printResult(settings.json, report, () => renderHuman(report, colours(useColour(process.stdout))));
  if (!report.restored) return 1;
  return exitCodeFor(report);
}
