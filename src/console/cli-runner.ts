/**
 * Actions that change the system, and benchmarks, run the `archibald` CLI itself as a child:
 * the console does exactly what the terminal would, with argv arrays built here from validated
 * values (never a shell, never a command or path taken from a request).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostSystem, type ManagedProcess, type RunResult, type System } from '../system/index.js';

/** bin/archibald.js of this package: found from the bundled module (dist/, dist/chunks/) or src/. */
export function archibaldBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'bin', 'archibald.js');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find bin/archibald.js beside the console (is the package complete?)');
}

export interface CliRunner {
  /** Runs `archibald ...args` to completion. */
  run(args: readonly string[], timeoutMs: number): Promise<RunResult>;
  /** Starts `archibald ...args` as a managed child (own process group, stopped with the console). */
  start(args: readonly string[]): ManagedProcess;
}

export function cliRunner(env: NodeJS.ProcessEnv = process.env, system: System = hostSystem()): CliRunner {
  const bin = archibaldBin();
  // NO_COLOR: the console shows the CLI's text as is, without terminal escapes.
  const childEnv = { ...env, NO_COLOR: '1' };
  return {
    run: (args, timeoutMs) => system.run([process.execPath, bin, ...args], { timeoutMs, env: childEnv }),
    start: (args) => system.start([process.execPath, bin, ...args], { env: childEnv }),
  };
}
