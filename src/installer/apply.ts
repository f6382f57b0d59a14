/**
 * Adapter: carries out a Plan step by step. Files are written to a temporary name and renamed;
 * the /etc/nixos tree is staged in a sibling directory and renamed in one move, so a failure
 * leaves either the old tree or the complete new one, never half of each.
 */
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile, lstat } from 'node:fs/promises';
import path from 'node:path';
import { ArchibaldError } from '../errors.js';
import { writeFileAtomic, type System } from '../system/index.js';
import type { Plan, Step } from './plan.js';

export interface StepOutcome {
  step: number;
  kind: Step['step'];
  detail: string;
  durationMs: number;
}

export interface ApplyOptions {
  system: System;
  /** Progress and the children's output (stderr in the CLI). */
  log: (line: string) => void;
  /** Text for a `run` step that declares stdin (the real secret, never printed). */
  stdinFor?: (step: Extract<Step, { step: 'run' }>) => string;
  /** Hardware scan and other quick commands; installs themselves run without a limit. */
  captureTimeoutMs?: number;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await lstat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function freeName(base: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? base : `${base}.${n}`;
    try {
      await lstat(candidate);
    } catch {
      return candidate;
    }
  }
}

/**
 * Writes `files` as the complete content of `dir`. An existing non-empty `dir` is kept, renamed
 * to `<dir>.before-archibald[.N]`, and its new name is returned.
 */
export async function writeTreeAtomic(dir: string, files: ReadonlyArray<{ name: string; content: string }>): Promise<{ movedAside: string | null }> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  const stage = await mkdtemp(path.join(parent, `.${path.basename(dir)}.archibald-`));
  try {
    for (const file of files) {
      if (file.name.includes('/') || file.name.startsWith('.')) throw new TypeError(`bad tree file name ${file.name}`);
      await writeFile(path.join(stage, file.name), file.content, { mode: 0o644, flag: 'wx' });
    }
    let movedAside: string | null = null;
    if (await isDirectory(dir)) {
      if ((await readdir(dir)).length === 0) await rmdir(dir);
      else {
        movedAside = await freeName(`${dir}.before-archibald`);
        await rename(dir, movedAside);
      }
    }
    await rename(stage, dir);
    return { movedAside };
  } catch (error) {
    await rm(stage, { recursive: true, force: true });
    throw error;
  }
}

async function runStreaming(system: System, argv: readonly string[], log: (line: string) => void): Promise<void> {
  const child = system.start(argv);
  child.onLine('stdout', log);
  child.onLine('stderr', log);
  const { code, signal } = await child.exited;
  if (code !== 0) {
    const last = child.output().stderr.trim().split('\n').at(-1) ?? '';
    const why = signal !== null ? `was killed by ${signal}` : code === null ? 'could not start (is it installed?)' : `exited with code ${code}`;
    throw new ArchibaldError('TOOL_FAILED', `${argv[0]} ${why}${last !== '' ? `: ${last}` : ''}`);
  }
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<{ outcomes: StepOutcome[]; movedAside: string | null }> {
  const { system, log } = options;
  const captured = new Map<string, string>();
  const outcomes: StepOutcome[] = [];
  let movedAside: string | null = null;
  for (const [index, step] of plan.steps.entries()) {
    const started = performance.now();
    let detail: string;
    switch (step.step) {
      case 'write':
        log(`archibald: writing ${step.path}`);
        await writeFileAtomic(step.path, step.content, { createDirs: true });
        detail = step.path;
        break;
      case 'capture': {
        log(`archibald: ${step.argv.join(' ')}`);
        const result = await system.run(step.argv, { timeoutMs: options.captureTimeoutMs ?? 120_000 });
        if (!result.ok) throw new ArchibaldError('TOOL_FAILED', result.message);
        if (result.stdout.trim() === '') throw new ArchibaldError('TOOL_FAILED', `${step.argv[0]} printed nothing for ${step.into}`);
        captured.set(step.into, result.stdout.endsWith('\n') ? result.stdout : `${result.stdout}\n`);
        detail = step.into;
        break;
      }
      case 'tree': {
        const files = step.files.map((file) => {
          const content = file.content ?? captured.get(file.name);
          if (content === undefined) throw new ArchibaldError('TOOL_FAILED', `no content for ${file.name}: the step producing it did not run`);
          return { name: file.name, content };
        });
        log(`archibald: writing ${step.dir}/ (${files.map((f) => f.name).join(', ')})`);
        ({ movedAside } = await writeTreeAtomic(step.dir, files));
        if (movedAside !== null) log(`archibald: the previous ${step.dir} was kept as ${movedAside}`);
        detail = step.dir;
        break;
      }
      case 'run': {
        log(`archibald: ${step.argv.join(' ')}`);
        if (step.stdin !== undefined) {
          const input = options.stdinFor?.(step);
          if (input === undefined) throw new ArchibaldError('TOOL_FAILED', `no input for ${step.argv.join(' ')}`);
          const result = await system.run(step.argv, { timeoutMs: 60_000, input });
          if (!result.ok) throw new ArchibaldError('TOOL_FAILED', result.message);
        } else {
          await runStreaming(system, step.argv, log);
        }
        detail = step.argv.join(' ');
        break;
      }
    }
    outcomes.push({ step: index + 1, kind: step.step, detail, durationMs: Math.round(performance.now() - started) });
  }
  return { outcomes, movedAside };
}
