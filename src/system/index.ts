/**
 * The only door to the machine: files below a root, atomic writes and saved results, short
 * commands run with argv and a timeout, and long-running children that never outlive us.
 * test/architecture/layers.test.ts fails when a file outside src/system reaches the OS itself.
 */
import { filesAt, type Files } from './files.js';
import { startProcess, type ManagedProcess, type StartOptions } from './processes.js';
import { run, which, type RunOptions, type RunResult } from './run.js';
export { runBlocking } from './run.js';

export type { Files, FileResult, BytesResult, DirResult, FileProblem, NodeInfo } from './files.js';
export type { RunOptions, RunResult } from './run.js';
export type { ManagedProcess, StartOptions } from './processes.js';
export { killAllManaged } from './processes.js';
export { isAlive, writeFailure, writeFileAtomic, type WriteHooks, type WriteOptions } from './write.js';
export { latestResult, saveResult, stateDir, type ResultKind } from './state.js';
export { procReader, type ProcRead, type ProcReader } from './procfs.js';

export interface System {
  readonly files: Files;
  /** False under `--root DIR`: commands would describe the host, not the inspected image. */
  readonly canRun: boolean;
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>;
  which(command: string): Promise<string | null>;
  /** A long-running child in its own process group, stopped by pid and killed on our exit. */
  start(argv: readonly string[], options?: StartOptions): ManagedProcess;
}

export function hostSystem(): System {
  return { files: filesAt('/'), canRun: true, run, which: (command) => which(command), start: startProcess };
}

export function systemAt(root: string | undefined): System {
  if (root === undefined) return hostSystem();
  const files = filesAt(root);
  if (files.isHost) return hostSystem();
  return {
    files,
    canRun: false,
    run: async (argv) => ({
      ok: false,
      reason: 'spawn-error',
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      message: `not run under --root: ${argv[0] ?? ''} would describe the host, not ${root}`,
    }),
    which: async () => null,
    start: (argv) => {
      throw new Error(`not started under --root: ${argv[0] ?? ''} would run on the host, not ${root}`);
    },
  };
}
