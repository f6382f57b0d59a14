/** `archibald bench rt`: cyclictest on every CPU, optionally under stress-ng load, judged and reported. */
import os from 'node:os';
import { ArchibaldError } from '../../errors.js';
import { colours, useColour } from '../../output.js';
import { escapeHtml, renderPage } from '../../html/page.js';
import { hostSystem, saveResult, type System } from '../../system/index.js';
import { printResult, writeOutDir } from '../plumbing/index.js';
import { analyze } from './analyze.js';
import { allowedCpusFromStatus, parseHelp, parseHistogram } from './parse.js';
import { parseSettings, planRun } from './plan.js';
import { startRtProgress } from './progress.js';
import { buildReport, pageSpec, renderHuman, type BenchRtReport, type KernelInfo } from './report.js';
import { measure, type Measurement } from './run.js';

async function requireTool(system: System, tool: string, suggestion: string): Promise<void> {
  if ((await system.which(tool)) === null) throw new ArchibaldError('TOOL_MISSING', `${tool} is not installed (not found on PATH)`, { suggestion });
}

async function allowedCpus(system: System): Promise<number[]> {
  const status = await system.files.readFile('/proc/self/status', { maxBytes: 64 << 10 });
  if (status.ok) {
    const cpus = allowedCpusFromStatus(status.text);
    if (cpus.ok) return cpus.value;
  }
  // No procfs: assume every CPU the OS reports.
  return Array.from({ length: os.availableParallelism() }, (_, cpu) => cpu);
}

async function kernelInfo(system: System): Promise<KernelInfo> {
  const realtimeFlag = await system.files.readFile('/sys/kernel/realtime', { maxBytes: 16 });
  const version = os.version();
  return { release: os.release(), version, realtime: (realtimeFlag.ok && realtimeFlag.text.trim() === '1') || /PREEMPT_RT/.test(version) };
}

/** Why cyclictest gave no histogram, in one line, with what to do about it where we know. */
function measurementFailure(measurement: Measurement, reason: string): ArchibaldError {
  const stderr = measurement.stderr.trim();
  if (/unable to change scheduling policy|operation not permitted|mlockall/i.test(stderr)) {
    return new ArchibaldError('TOOL_FAILED', `cyclictest could not get SCHED_FIFO or lock memory: ${stderr.split('\n')[0]}`, {
      suggestion: 'run as root, or as a member of the audio group with archibald.audio.limits.rtprio and memlock set (see `archibald doctor`)',
    });
  }
  if (measurement.stoppedBy === 'watchdog') {
    return new ArchibaldError('TOOL_FAILED', `cyclictest did not finish within its duration plus the watchdog margin and had to be killed; nothing was measured (${reason})`);
  }
  if (measurement.stoppedBy === 'signal') return new ArchibaldError('INTERRUPTED', `interrupted before cyclictest reported anything (${reason})`);
  const exit = measurement.exit.code ?? measurement.exit.signal ?? 'unknown';
  return new ArchibaldError('TOOL_FAILED', `cyclictest (exit ${exit}) gave no usable histogram: ${reason}${stderr === '' ? '' : `; it said: ${stderr.split('\n').slice(-2).join(' ')}`}`);
}

export async function runBenchRtCommand(options: Record<string, unknown>): Promise<number> {
  const settings = parseSettings(options);
  const system = hostSystem();
  await requireTool(system, 'cyclictest', 'install rt-tests (on ArchibaldOS: archibald.audio.packages.enable = true)');
  if (settings.load !== 'none') await requireTool(system, 'stress-ng', 'install stress-ng, or run with --load none');
  const [cpus, kernel, helpRun] = await Promise.all([allowedCpus(system), kernelInfo(system), system.run(['cyclictest', '--help'], { timeoutMs: 5000 })]);
  // cyclictest --help exits non-zero on some versions; the text is what matters.
  const help = parseHelp(`${helpRun.stdout}\n${helpRun.stderr}`);
  const plan = planRun(settings, cpus, help);

  const startedAt = new Date().toISOString();
  const progress = await startRtProgress(settings.progress, settings.durationS, settings.targetMaxUs);
  let measurement: Measurement;
  try {
    measurement = await measure(plan, progress === null ? {} : { onTick: (state) => progress.update(state), tickMs: progress.everyMs });
  } finally {
    progress?.done();
  }

  const parsed = parseHistogram(measurement.stdout);
  if (!parsed.ok) throw measurementFailure(measurement, parsed.error.message);
  const analysis = analyze(parsed.value, { cpus: plan.cpus, limitUs: settings.histogramUs, targetMaxUs: settings.targetMaxUs });
  if (!analysis.ok) throw measurementFailure(measurement, analysis.error.message);
  if (analysis.value.samples === 0) throw measurementFailure(measurement, 'no samples');
  const report = buildReport(analysis.value, parsed.value, {
    plan,
    cyclictestVersion: help.version,
    kernel,
    startedAt,
    elapsedS: measurement.elapsedS,
    stoppedBy: measurement.stoppedBy,
  });

  if (measurement.loadProblem !== null) process.stderr.write(`archibald: warning: ${measurement.loadProblem}; the load ended before the measurement\n`);
  if (measurement.stoppedBy === 'watchdog') process.stderr.write('archibald: cyclictest overran its duration; the watchdog stopped it\n');
  await writeOutDir(settings, 'bench-rt', report, () => renderPage(pageSpec(report, escapeHtml)));
  // Only complete runs become "the latest result" that report and console show.
  if (!report.interrupted) await saveResult('bench-rt', report);

  printResult(settings.json, report, () => {
    const tty = useColour(process.stdout);
    return renderHuman(report, colours(tty), tty);
  });
  if (measurement.stoppedBy === 'watchdog') return 1;
  return report.verdict === 'pass' ? 0 : 1;
}
