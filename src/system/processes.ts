/**
 * Long-running children (cyclictest at SCHED_FIFO 99, stress-ng, pipewire, jackd) that must never
 * outlive us. Each is started in its own process group and registered; `stop()` ends the whole
 * group by pid, and a process-wide hook stops every registered child on exit, SIGINT and SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Calls `onLine` for each stdout/stderr line. */
  onLine(stream: 'stdout' | 'stderr', onLine: (line: string) => void): void;
  /** Collected output so far (bounded). */
  output(): { stdout: string; stderr: string };
  /** SIGINT/SIGTERM to the group, SIGKILL after `graceMs`; resolves once it is gone. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Synchronously SIGKILLs every registered child; safe to call from an 'exit' handler. */
export function killAllManaged(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllManaged);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // Only act as the last line of defence: if the program installed its own handler
      // (to report partial results), it is responsible for stopping its children.
      if (process.listenerCount(signal) > 1) return;
      killAllManaged();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  maxOutputBytes?: number;
}

export function startProcess(argv: readonly string[], options: StartOptions = {}): ManagedProcess {
  installHooks();
  const [command, ...args] = argv;
  if (command === undefined) throw new TypeError('startProcess() needs a command');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() reaches grandchildren too
  });
  live.add(child);
  const limit = options.maxOutputBytes ?? 4 << 20;
  const collected = { stdout: '', stderr: '' };
  const listeners: Record<'stdout' | 'stderr', Array<(line: string) => void>> = { stdout: [], stderr: [] };
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (source === null) continue;
    createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
      if (collected[stream].length < limit) collected[stream] += `${line}\n`;
      for (const listener of listeners[stream]) listener(line);
    });
  }

  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      running = false;
      live.delete(child);
      collected.stderr += `${error.message}\n`;
      resolve({ code: null, signal: null });
    });
    child.on('exit', () => {
      running = false;
      live.delete(child);
      // Reap anything the child left in its group (it would also hold our pipes open).
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // group already empty
        }
      }
    });
    // 'close' comes after 'exit' once stdout/stderr are drained, so the last lines (cyclictest's
    // histogram, printed as it exits) have reached the listeners before anyone sees it finished.
    child.on('close', (code, signal) => {
      running = false;
      live.delete(child);
      resolve({ code, signal });
    });
  });

  return {
    pid: child.pid ?? -1,
    argv,
    exited,
    onLine: (stream, onLine) => listeners[stream].push(onLine),
    output: () => ({ ...collected }),
    isRunning: () => running,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 2000) {
      if (running) {
        killGroup(child, signal);
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        timer.unref();
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}
