/**
 * Running other programs: argv arrays only (never a shell string), always with a timeout, and the
 * outcome as a value. A missing tool is `{ ok: false, reason: 'not-found' }`, not an exception.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface RunOptions {
  /** Hard limit; the child gets SIGTERM, then SIGKILL 500 ms later. */
  timeoutMs: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Output beyond this many bytes per stream is dropped (the flag `truncated` says so). */
  maxOutputBytes?: number;
}

export type RunResult =
  | {
      ok: true;
      exitCode: number;
      stdout: string;
      stderr: string;
      durationMs: number;
      truncated: boolean;
    }
  | {
      ok: false;
      reason: 'not-found' | 'denied' | 'timeout' | 'aborted' | 'signal' | 'nonzero' | 'spawn-error';
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      durationMs: number;
      message: string;
    };

const DEFAULT_MAX_OUTPUT = 16 << 20;

export function run(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new TypeError('run() needs a command');
  const started = performance.now();
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;

  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    let aborted = false;
    let settled = false;

    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });

    const kill = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 500).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };

    child.stdout?.on('data', (chunk: Buffer) => {
      if (outBytes + chunk.length > limit) truncated = true;
      else out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (errBytes + chunk.length > limit) truncated = true;
      else err.push(chunk);
      errBytes += chunk.length;
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }

    child.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? 'not-found' : error.code === 'EACCES' ? 'denied' : 'spawn-error';
      finish({
        ok: false,
        reason,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        durationMs: performance.now() - started,
        message: reason === 'not-found' ? `${command} is not installed (not found on PATH)` : `${command}: ${error.message}`,
      });
    });

    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const durationMs = performance.now() - started;
      if (timedOut || aborted || signal !== null || code !== 0) {
        const reason = timedOut ? 'timeout' : aborted ? 'aborted' : signal !== null ? 'signal' : 'nonzero';
        const firstLine = stderr.trim().split('\n')[0] ?? '';
        const message =
          reason === 'timeout'
            ? `${command} did not finish within ${options.timeoutMs} ms`
            : reason === 'aborted'
              ? `${command} was stopped`
              : reason === 'signal'
                ? `${command} was killed by ${signal}`
                : `${command} exited with code ${code}${firstLine ? `: ${firstLine}` : ''}`;
        finish({ ok: false, reason, exitCode: code, signal, stdout, stderr, durationMs, message });
        return;
      }
      finish({ ok: true, exitCode: 0, stdout, stderr, durationMs, truncated });
    });
  });
}

/** Finds an executable on PATH without spawning anything. */
export async function which(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const { access, constants } = await import('node:fs/promises');
  const path = await import('node:path');
  if (command.includes('/')) {
    try {
      await access(command, constants.X_OK);
      return command;
    } catch {
      return null;
    }
  }
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

/**
 * The last resort of an 'exit' handler, where nothing asynchronous runs any more: the command is
 * run to completion (or its timeout) before the process ends. Its outcome is all it returns.
 */
export function runBlocking(argv: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): boolean {
  const [command, ...args] = argv;
  if (command === undefined) return false;
  const result = spawnSync(command, args, { env: options.env ?? process.env, timeout: options.timeoutMs, stdio: 'ignore' });
  return result.status === 0;
}
