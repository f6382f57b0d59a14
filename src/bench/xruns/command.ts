/** `archibald bench xruns`: watch the running graph for a while and report cycles, xruns and their times. */
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ArchibaldError } from '../../errors.js';
import { colours, printJson, useColour, wantProgress } from '../../output.js';
import { escapeHtml, renderPage } from '../../html/page.js';
import { hostSystem, saveResult, writeFileAtomic, type System } from '../../system/index.js';
import { startGraphMonitor, type GraphMonitor } from './monitor.js';
import { parseProcStatCpu } from '../../linux/procstat.js';
import { buildReport, pageSpec, renderHuman, type BenchXrunsReport, type TimelinePoint } from './report.js';
import { parseSettings, type XrunsSettings } from './settings.js';

interface Progress {
  update(elapsedS: number, xruns: number): void;
  done(): void;
}

export function progressLine(elapsedS: number, durationS: number, xruns: number): string {
  return JSON.stringify({ elapsedS: Math.round(elapsedS * 10) / 10, durationS, xruns });
}

function progress(settings: XrunsSettings): Progress | null {
  if (settings.progress === 'ndjson') {
    return { update: (elapsedS, xruns) => process.stderr.write(`${progressLine(elapsedS, settings.durationS, xruns)}\n`), done: () => undefined };
  }
  if (!wantProgress()) return null;
  const bar = new cliProgress.SingleBar(
    { format: 'xruns [{bar}] {elapsed}/{durationS} s | {xruns} xruns', hideCursor: true, clearOnComplete: true, stream: process.stderr, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(settings.durationS, 0, { elapsed: 0, durationS: settings.durationS, xruns: 0 });
  return {
    update: (elapsedS, xruns) => bar.update(Math.min(settings.durationS, elapsedS), { elapsed: Math.floor(elapsedS), durationS: settings.durationS, xruns }),
    done: () => bar.stop(),
  };
}

/** CPU ticks (utime + stime) of each helper process, read while it still runs. */
async function helperTicks(system: System, pids: readonly number[]): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await system.files.readFile(`/proc/${pid}/stat`, { maxBytes: 4096 });
      if (!stat.ok) return;
      const cpu = parseProcStatCpu(stat.text);
      if (cpu.ok) ticks.set(pid, cpu.ticks);
    }),
  );
  return ticks;
}

async function clockTicksPerSecond(system: System): Promise<number> {
  const result = await system.run(['getconf', 'CLK_TCK'], { timeoutMs: 2000 });
  const value = result.ok ? Number(result.stdout.trim()) : NaN;
  // Linux has used 100 for USER_HZ on every common architecture for decades.
  return Number.isInteger(value) && value > 0 ? value : 100;
}

/** Resolves on Ctrl-C or SIGTERM; the returned function removes the handlers again. */
function interruption(): { promise: Promise<'interrupted'>; dispose(): void } {
  let resolve!: (value: 'interrupted') => void;
  const promise = new Promise<'interrupted'>((r) => (resolve = r));
  const onSignal = (): void => resolve('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

async function watch(monitor: GraphMonitor, settings: XrunsSettings, system: System): Promise<BenchXrunsReport> {
  const startedAt = new Date().toISOString();
  const startMs = Date.now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const helperPids = monitor.helperPids();
  const ticks0 = await helperTicks(system, helperPids);
  const bar = progress(settings);
  const timeline: TimelinePoint[] = [];
  let lastCycles = 0;
  let lastCpu = process.cpuUsage();
  let lastCpuAt = performance.now();

  const consume = (async () => {
    for await (const sample of monitor.samples) {
      const cycles = (sample.cyclesTotal ?? 0) - lastCycles;
      lastCycles = sample.cyclesTotal ?? lastCycles;
      const tS = (sample.timeMs - startMs) / 1000;
      const cpuNow = process.cpuUsage();
      const now = performance.now();
      const cpuPercent = ((cpuNow.user - lastCpu.user + cpuNow.system - lastCpu.system) / 1000 / (now - lastCpuAt)) * 100;
      lastCpu = cpuNow;
      lastCpuAt = now;
      timeline.push({ tS, dspLoad: sample.dspLoad, dspLoadMax: sample.dspLoadMax ?? sample.dspLoad, xruns: sample.xruns ?? 0, cycles, cpuPercent });
      bar?.update(tS, sample.xrunsTotal);
    }
  })();

  const stop = interruption();
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<'done'>((resolve) => (timer = setTimeout(() => resolve('done'), settings.durationS * 1000)));
  const outcome = await Promise.race([elapsed, stop.promise, monitor.closed.then((reason) => ({ closed: reason }))]);
  clearTimeout(timer);
  stop.dispose();

  const ticks1 = await helperTicks(system, helperPids);
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  const totals = monitor.totals();
  await monitor.stop();
  await consume;
  bar?.done();

  let helperTickSum = 0;
  for (const [pid, end] of ticks1) helperTickSum += end - (ticks0.get(pid) ?? end);
  const helperSeconds = helperPids.length > 0 ? helperTickSum / (await clockTicksPerSecond(system)) : 0;

  if (typeof outcome === 'object') {
    const reason = outcome.closed ?? 'the data source ended';
    if (totals.cycles === 0) throw new ArchibaldError('TOOL_FAILED', `${reason} before anything was measured`);
    process.stderr.write(`archibald: warning: ${reason}; reporting the ${wallS.toFixed(1)} s measured until then\n`);
  }
  return buildReport({
    backend: settings.backend,
    startedAt,
    durationS: wallS,
    requestedDurationS: settings.durationS,
    interrupted: outcome !== 'done',
    targetPercent: settings.targetPercent,
    totals,
    timeline,
    cpu: {
      selfPercent: wallS > 0 ? ((cpu.user + cpu.system) / 1e6 / wallS) * 100 : 0,
      helpersPercent: wallS > 0 ? (helperSeconds / wallS) * 100 : 0,
      helperPids,
    },
  });
}

async function writeOut(dir: string, report: BenchXrunsReport): Promise<string> {
  const html = path.join(dir, 'bench-xruns.html');
  await writeFileAtomic(path.join(dir, 'bench-xruns.json'), `${JSON.stringify(report, null, 2)}\n`, { createDirs: true });
  await writeFileAtomic(html, renderPage(pageSpec(report, escapeHtml)), { createDirs: true });
  return html;
}

export async function runBenchXrunsCommand(options: Record<string, unknown>): Promise<number> {
  const settings = parseSettings(options);
  const system = hostSystem();
  const monitor = await startGraphMonitor({ backend: settings.backend, intervalMs: 1000 });
  let report: BenchXrunsReport;
  try {
    report = await watch(monitor, settings, system);
  } finally {
    await monitor.stop();
  }

  if (settings.out !== undefined) {
    const html = await writeOut(settings.out, report);
    if (!settings.json) process.stderr.write(`wrote ${html}\n`);
  }
  // Interrupted or empty runs are reported but do not become "the latest result" others show.
  if (!report.interrupted && report.verdict !== 'no-data') await saveResult('bench-xruns', report);

  if (settings.json) printJson(report);
  else process.stdout.write(renderHuman(report, colours(useColour(process.stdout))));
  return report.verdict === 'pass' ? 0 : 1;
}
