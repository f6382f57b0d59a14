/** Runs the real CLI (`node bin/archibald.js`, after a build) and returns what a user would see. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** argv for the CLI: the built bundle; the same entry point through tsx when no build exists (or ARCHIBALD_TEST_FROM_SOURCE=1). */
export function cliArgv(): string[] {
  return existsSync(path.join(REPO, 'dist/cli.js')) && process.env.ARCHIBALD_TEST_FROM_SOURCE !== '1'
    ? [process.execPath, path.join(REPO, 'bin/archibald.js')]
    : [process.execPath, '--import', 'tsx', path.join(REPO, 'src/cli.ts')];
}

export function archibald(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<CliResult> {
  const [command, ...prefix] = cliArgv() as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ARCHIBALD_PROFILE: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
