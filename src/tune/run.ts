/**
 * Adapter: walks the running graph's clock down the ladder, holding each step under the load with
 * `bench xruns`'s own monitor, and always puts the clock back. Every way out restores it:
 *   - success, a missed step, an error (`finally`);
 *   - the first Ctrl-C or SIGTERM: the step stops early, the run ends, and `finally` restores;
 *   - a second signal: the clock is restored at once and the process exits (130);
 *   - a child (stress-ng, the DSP client) dying: the run fails, and `finally` restores;
 *   - anything that ends the process without unwinding (process.exit elsewhere): a blocking
 *     restore in an 'exit' handler.
 * Only SIGKILL of this process escapes, and docs/tune.md says how to undo that by hand.
 */
import { ArchibaldError } from '../errors.js';
import { listenForStop, startGraphMonitor, type GraphMonitor, type SessionTotals } from '../bench/index.js';
import { parseCpuList } from '../linux/index.js';
import { killAllManaged, runBlocking, type ManagedProcess, type System } from '../system/index.js';

import type { TuneStep } from './contract.js';
import { jackClock, pipewireClock, type ClockControl, type ClockState } from './clock.js';
import { DSP_CLIENT_PY } from './dsp-client.js';
import { judgeStep, loadArgv, quantumLadder, shouldContinue, type TuneSettings } from './plan.js';

/** After a quantum change the graph re-negotiates; that switch is not the new quantum's fault. */
const SETTLE_MS = 1000;
const CHILD_STARTUP_MS = 400;
const STREAM_READY_MS = 5000;

export interface StepProgress {
  step: number;
  steps: number;
  quantum: number;
  stepElapsedS: number;
  holdS: number;
  xruns: number;
}

/** Xruns kept in detail per step (the counts in its forensics cover all of them). */
const ATTRIBUTIONS_PER_STEP = 5;

export interface TuneHooks {
  onProgress?(progress: StepProgress): void;
  onStepDone?(step: TuneStep): void;
  env?: NodeJS.ProcessEnv;
}

export interface TuneRun {
  startedAt: string;
  durationS: number;
  rate: number;
  original: ClockState;
  restored: boolean;
  ownStream: boolean;
  steps: TuneStep[];
  interrupted: boolean;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const lastLines = (text: string, count: number): string => text.trim().split('\n').slice(-count).join(' | ');

async function cpuList(system: System): Promise<{ list: string; count: number }> {
  const status = await system.files.readFile('/proc/self/status', { maxBytes: 64 * 1024 });
  const allowed = status.ok ? /^Cpus_allowed_list:\s*(\S+)/m.exec(status.text)?.[1] : undefined;
  const cpus = allowed === undefined ? null : parseCpuList(allowed);
  // The kernel's own list is already what stress-ng --taskset takes.
  if (allowed === undefined || cpus === null || !cpus.ok || cpus.cpus.length === 0) return { list: '0', count: 1 };
  return { list: allowed, count: cpus.cpus.length };
}

/** A child that must keep running for the whole run; `failed` resolves with why, if it stops. */
interface Helper {
  process: ManagedProcess;
  name: string;
}

async function startHelper(system: System, name: string, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Helper> {
  const child = system.start(argv, { env });
  const early = await Promise.race([child.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), CHILD_STARTUP_MS))]);
  if (early !== null) {
    const output = child.output();
    const message = lastLines(`${output.stdout}\n${output.stderr}`, 2) || 'no message';
    throw new ArchibaldError(early.code === null && early.signal === null ? 'TOOL_MISSING' : 'TOOL_FAILED', `${name} exited at once (${early.code ?? early.signal ?? 'not started'}): ${message}`);
  }
  return { process: child, name };
}

/** The silent stream / DSP client, started once the stream is really streaming. */
async function startDspClient(system: System, percent: number, env: NodeJS.ProcessEnv): Promise<Helper> {
  const helper = await startHelper(system, 'the DSP client (python3 with libpipewire)', ['python3', '-c', DSP_CLIENT_PY, String(percent), '-'], env);
  const ready = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve('it did not start streaming within 5 s'), STREAM_READY_MS);
    const onLine = (line: string): void => {
      if (line === 'state 3') {
        clearTimeout(timer);
        resolve(null);
      } else if (line.startsWith('error')) {
        clearTimeout(timer);
        resolve(line.slice(6));
      }
    };
    // Lines printed during the start-up wait are already collected; later ones arrive one by one.
    for (const line of helper.process.output().stdout.split('\n')) onLine(line);
    helper.process.onLine('stdout', onLine);
    void helper.process.exited.then(() => {
      clearTimeout(timer);
      resolve(`it exited: ${lastLines(helper.process.output().stdout + helper.process.output().stderr, 2) || 'no message'}`);
    });
  });
  if (ready !== null) {
    await helper.process.stop('SIGTERM', 1000);
    throw new ArchibaldError('TOOL_FAILED', `the DSP client failed: ${ready}`);
  }
  return helper;
}

async function holdStep(
  monitor: GraphMonitor,
  settings: TuneSettings,
  position: { step: number; steps: number; quantum: number },
  signal: AbortSignal,
  hooks: TuneHooks,
): Promise<{ totals: SessionTotals; heldS: number }> {
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const tick = setInterval(() => {
    hooks.onProgress?.({ ...position, stepElapsedS: Math.min(settings.holdS, elapsedS()), holdS: settings.holdS, xruns: monitor.totals().xruns });
  }, 1000);
  try {
    hooks.onProgress?.({ ...position, stepElapsedS: 0, holdS: settings.holdS, xruns: 0 });
    const closed = monitor.closed.then((reason) => reason);
    const outcome = await Promise.race([sleep(settings.holdS * 1000, signal).then(() => null), closed]);
    if (outcome !== null && !signal.aborted) throw new ArchibaldError('TOOL_FAILED', `the graph monitor stopped: ${outcome}`);
    return { totals: monitor.totals(), heldS: elapsedS() };
  } finally {
    clearInterval(tick);
  }
}

export async function runTune(settings: TuneSettings, from: number, system: System, hooks: TuneHooks = {}): Promise<TuneRun> {
  const env = hooks.env ?? process.env;
  const clock: ClockControl = settings.backend === 'jack' ? jackClock(system, env) : pipewireClock(system, env);
  const original = await clock.read();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const abort = new AbortController();
  const helpers: Helper[] = [];
  let restoreDone = false;
  let stopping = false;
  let childProblem: string | null = null;

  const restoreNow = async (): Promise<boolean> => {
    if (restoreDone) return true;
    const ok = await clock.restore().catch(() => false);
    restoreDone = true;
    return ok;
  };
  const stop = listenForStop({
    onFirst: () => abort.abort(),
    // A second Ctrl-C: no report, but never a forced clock left behind.
    onAgain: () => {
      killAllManaged();
      void restoreNow().finally(() => process.exit(130));
    },
  });
  const onExit = (): void => {
    if (restoreDone) return;
    for (const argv of clock.restoreArgvs()) runBlocking(argv, { timeoutMs: 3000, env });
  };
  process.on('exit', onExit);

  const steps: TuneStep[] = [];
  let rate = 0;
  let ownStream = false;
  let restored = false;
  try {
    const cpus = await cpuList(system);
    const ladder = quantumLadder(from, settings.to);
    const loadTimeoutS = ladder.length * (settings.holdS + SETTLE_MS / 1000 + 5) + 60;
    const load = loadArgv(settings, cpus.list, cpus.count, loadTimeoutS);
    if (load !== null) helpers.push(await startHelper(system, 'stress-ng', load, env));
    await clock.set(from);
    if (settings.backend === 'pipewire') {
      // Always our own stream: a session's stream may stop at any time (and WirePlumber keeps an
      // idle driver running for seconds after it did), which would leave steps without cycles.
      helpers.push(await startDspClient(system, settings.dspPercent, env));
      ownStream = true;
    } else if (settings.backend === 'jack' && settings.dspPercent > 0) {
      helpers.push(await startHelper(system, 'jack_cpu', ['jack_cpu', '-n', 'archibald-tune-load', '-c', String(Math.max(1, Math.round(settings.dspPercent)))], env));
    }
    for (const helper of helpers) {
      void helper.process.exited.then((exit) => {
        if (stopping || abort.signal.aborted) return;
        childProblem = `${helper.name} (pid ${helper.process.pid}) exited during the run (${exit.code ?? exit.signal ?? 'unknown'})`;
        abort.abort();
      });
    }

    for (const [index, quantum] of ladder.entries()) {
      if (abort.signal.aborted) break;
      await clock.set(quantum);
      await sleep(SETTLE_MS, abort.signal);
      if (abort.signal.aborted) break;
      const monitor = await startGraphMonitor({ backend: settings.backend, env, intervalMs: 1000, forensics: settings.forensics });
      let measured: { totals: SessionTotals; heldS: number };
      try {
        measured = await holdStep(monitor, settings, { step: index + 1, steps: ladder.length, quantum }, abort.signal, hooks);
      } finally {
        await monitor.stop();
      }
      if (childProblem !== null) break;
      const { totals, heldS } = measured;
      if (totals.rate > 0) rate = totals.rate;
      const step = judgeStep(
        {
          quantum,
          measuredQuantum: totals.cycles > 0 ? totals.quantum : null,
          rate: totals.rate,
          holdS: heldS,
          requestedHoldS: settings.holdS,
          cycles: totals.cycles,
          xruns: totals.xruns,
          xrunTimesS: totals.xrunTimesS,
          dspLoad: { mean: totals.dspLoadMean, p99: totals.dspLoadP99, max: totals.dspLoadMax },
          lateNodes: totals.lateNodes,
          interrupted: abort.signal.aborted,
        },
        settings.targetPercent,
      );
      const forensics = monitor.forensics();
      const done = forensics === null ? step : { ...step, forensics: { ...forensics, attributions: forensics.attributions.slice(0, ATTRIBUTIONS_PER_STEP), truncated: forensics.truncated || forensics.attributions.length > ATTRIBUTIONS_PER_STEP } };
      steps.push(done);
      hooks.onStepDone?.(done);
      if (!shouldContinue(done)) break;
    }
  } finally {
    stopping = true;
    // Children first (a stream at the forced quantum would otherwise renegotiate twice), then the clock.
    await Promise.allSettled(helpers.map((helper) => helper.process.stop('SIGTERM', 2000)));
    restored = await restoreNow();
    stop.dispose();
    process.off('exit', onExit);
  }
  if (childProblem !== null) {
    throw new ArchibaldError('TOOL_FAILED', `${childProblem}; the clock was ${restored ? 'restored' : 'NOT restored (see docs/tune.md to undo by hand)'}`);
  }
  return {
    startedAt,
    durationS: (performance.now() - t0) / 1000,
    rate,
    original,
    restored,
    ownStream,
    steps,
    interrupted: abort.signal.aborted,
  };
}
