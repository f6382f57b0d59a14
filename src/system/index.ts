/** The only door to the machine: files below a root, and programs run with argv and a timeout. */
import { filesAt, type Files } from './files.js';
import { run, which, type RunOptions, type RunResult } from './run.js';

export type { Files, FileResult, BytesResult, DirResult, FileProblem, NodeInfo } from './files.js';
export type { RunOptions, RunResult } from './run.js';
export type { ManagedProcess } from './processes.js';

export interface System {
  readonly files: Files;
  /** False under `--root DIR`: commands would describe the host, not the inspected image. */
  readonly canRun: boolean;
  run(argv: readonly string[], options: RunOptions): Promise<RunResult>;
  which(command: string): Promise<string | null>;
}

export function hostSystem(): System {
  return { files: filesAt('/'), canRun: true, run, which: (command) => which(command) };
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
  };
}
