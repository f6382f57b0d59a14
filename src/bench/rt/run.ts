/**
 * Adapter: runs cyclictest (and stress-ng for load) as managed children and makes sure neither
 * outlives the measurement. A leftover SCHED_FIFO 95 busy thread can freeze a machine, so every
 * path ends in `stop()` by pid: normal end, cyclictest failing, the watchdog, SIGINT/SIGTERM/SIGHUP.
 *
 * On the first signal cyclictest gets SIGINT and prints its histogram for what it measured so far;
 * a second signal kills everything at once.
 */
import { ArchibaldError } from '../../errors.js';
import { hostSystem, type ManagedProcess } from '../../system/index.js';
import { listenForStop } from '../plumbing/index.js';
import { parseHistogram, parseStatusLine } from './parse.js';
import type { Plan } from './plan.js';
import type { StoppedBy } from './schema.js';

export type { StoppedBy } from './schema.js';

export interface Measurement {
  stdout: string;
  stderr: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  stoppedBy: StoppedBy;
  elapsedS: number;
  /** Running maximum over all threads from cyclictest's status lines (null before the first). */
  liveMaxUs: number | null;
  loadProblem: string | null;
}

export interface MeasureHooks {
  onTick?(state: { elapsedS: number; maxUs: number | null }): void;
  /** Milliseconds between ticks. */
  tickMs?: number;
  /** Time for cyclictest to print its histogram after SIGINT before it is killed. */
  graceMs?: number;
}

const LOAD_STARTUP_MS = 300;
const MAX_OUTPUT = 64 << 20;
const OUTPUT_SETTLE_MS = 1000;

const lastLines = (text: string, count: number): string => text.trim().split('\n').slice(-count).join(' | ');

async function startLoad(argv: readonly string[]): Promise<ManagedProcess> {
  const load = hostSystem().start(argv);
  // Give the workers a moment to spin up, and catch a stress-ng that refuses its arguments.
  const early = await Promise.race([load.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), LOAD_STARTUP_MS))]);
  if (early !== null) {
    throw new ArchibaldError('TOOL_FAILED', `stress-ng exited at once (${early.code ?? early.signal}): ${lastLines(load.output().stderr, 3) || 'no message'}`);
  }
  return load;
}

/**
 * startProcess() resolves `exited` on the child's 'exit' event, which can come before the last
 * lines of its stdout pipe have been read; the histogram is exactly those last lines.
 */
async function finalOutput(child: ManagedProcess): Promise<{ stdout: string; stderr: string }> {
  const deadline = performance.now() + OUTPUT_SETTLE_MS;
  for (;;) {
    const output = child.output();
    if (parseHistogram(output.stdout).ok || performance.now() > deadline) return output;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function measure(plan: Plan, hooks: MeasureHooks = {}): Promise<Measurement> {
  const graceMs = hooks.graceMs ?? 3000;
  let load: ManagedProcess | null = null;
  let cyclictest: ManagedProcess | null = null;
  let stoppedBy: StoppedBy = null;
  let liveMaxUs: number | null = null;
  const timers: NodeJS.Timeout[] = [];

  const stop = listenForStop({
    onFirst: () => {
      stoppedBy ??= 'signal';
      if (cyclictest === null) void load?.stop('SIGKILL', 0);
      else void cyclictest.stop('SIGINT', graceMs);
    },
    onAgain: () => {
      void cyclictest?.stop('SIGKILL', 0);
      void load?.stop('SIGKILL', 0);
    },
  });

  let begin = performance.now();
  const elapsedS = (): number => (performance.now() - begin) / 1000;
  try {
    if (plan.load !== null) load = await startLoad(plan.load);
    if (stop.count > 0) throw new ArchibaldError('INTERRUPTED', 'interrupted before cyclictest started');
    cyclictest = hostSystem().start(plan.cyclictest, { maxOutputBytes: MAX_OUTPUT });
    const measuring = cyclictest;
    measuring.onLine('stdout', (line) => {
      const status = parseStatusLine(line);
      if (status !== null && (liveMaxUs === null || status.maxUs > liveMaxUs)) liveMaxUs = status.maxUs;
    });
    begin = performance.now();
    timers.push(
      setTimeout(() => {
        stoppedBy ??= 'watchdog';
        void measuring.stop('SIGINT', graceMs);
      }, plan.watchdogMs),
    );
    if (hooks.onTick !== undefined) {
      const onTick = hooks.onTick;
      timers.push(setInterval(() => onTick({ elapsedS: elapsedS(), maxUs: liveMaxUs }), hooks.tickMs ?? 1000));
    }
    const exit = await measuring.exited;
    const loadProblem = load !== null && !load.isRunning() ? `stress-ng stopped early: ${lastLines(load.output().stderr, 2) || 'no message'}` : null;
    const output = await finalOutput(measuring);
    return { stdout: output.stdout, stderr: output.stderr, exit, stoppedBy, elapsedS: elapsedS(), liveMaxUs, loadProblem };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    // Both stops run even if the first throws; a stopped child resolves at once.
    await Promise.allSettled([cyclictest?.stop('SIGKILL', 0), load?.stop('SIGTERM', 2000)]);
    stop.dispose();
  }
}
