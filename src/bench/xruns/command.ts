/** `archibald bench xruns`: watch the running graph for a while and report cycles, xruns and their times. */
import { ArchibaldError } from '../../errors.js';
import { colours, useColour } from '../../output.js';
import { escapeHtml, renderPage } from '../../html/page.js';
import { hostSystem, saveResult, type System } from '../../system/index.js';
import { listenForStop, printResult, startProgress, tenths, writeOutDir, type ProgressOutput } from '../plumbing/index.js';
import { startGraphMonitor, type GraphMonitor } from './monitor.js';
import { parseProcStatCpu } from '../../linux/procstat.js';
import { buildReport, pageSpec, renderHuman, type BenchXrunsReport, type TimelinePoint } from './report.js';
import { parseSettings, type XrunsSettings } from './settings.js';

interface XrunsProgressState {
  elapsedS: number;
  xruns: number;
}

function startXrunsProgress(settings: XrunsSettings): Promise<ProgressOutput<XrunsProgressState> | null> {
  const { durationS } = settings;
  return startProgress<XrunsProgressState>(settings.progress, {
    barFormat: 'xruns [{bar}] {elapsed}/{durationS} s | {xruns} xruns',
    firstBar: { total: durationS, value: 0, fields: { elapsed: 0, durationS, xruns: 0 } },
    bar: ({ elapsedS, xruns }) => ({ total: durationS, value: Math.min(durationS, elapsedS), fields: { elapsed: Math.floor(elapsedS), durationS, xruns } }),
    record: ({ elapsedS, xruns }) => ({ elapsedS: tenths(elapsedS), durationS, xruns }),
  });
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

async function watch(monitor: GraphMonitor, settings: XrunsSettings, system: System): Promise<BenchXrunsReport> {
  const startedAt = new Date().toISOString();
  const startMs = Date.now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const helperPids = monitor.helperPids();
  const ticks0 = await helperTicks(system, helperPids);
  const bar = await startXrunsProgress(settings);
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
      bar?.update({ elapsedS: tS, xruns: sample.xrunsTotal });
    }
  })();

  // Ctrl-C or SIGTERM ends the watch early; what was measured until then is still reported.
  const stop = listenForStop({}, ['SIGINT', 'SIGTERM']);
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<'done'>((resolve) => (timer = setTimeout(() => resolve('done'), settings.durationS * 1000)));
  const outcome = await Promise.race([elapsed, stop.requested, monitor.closed.then((reason) => ({ closed: reason }))]);
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
    forensics: monitor.forensics(),
  });
}

export async function runBenchXrunsCommand(options: Record<string, unknown>): Promise<number> {
  const settings = parseSettings(options);
  const system = hostSystem();
  const monitor = await startGraphMonitor({ backend: settings.backend, intervalMs: 1000, forensics: settings.forensics });
  let report: BenchXrunsReport;
  try {
    report = await watch(monitor, settings, system);
  } finally {
    await monitor.stop();
  }

  await writeOutDir(settings, 'bench-xruns', report, () => renderPage(pageSpec(report, escapeHtml)));
  // Interrupted or empty runs are reported but do not become "the latest result" others show.
  if (!report.interrupted && report.verdict !== 'no-data') await saveResult('bench-xruns', report);

  printResult(settings.json, report, () => renderHuman(report, colours(useColour(process.stdout))));
  return report.verdict === 'pass' ? 0 : 1;
}
