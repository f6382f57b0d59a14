/**
 * Adapter: carries out an apply plan (plan.ts). The rebuild writes <flake>/profile.json atomically (the
 * previous version kept as .bak), builds with `nixos-rebuild dry-build`, switches only when that
 * succeeded, and puts the previous profile back byte for byte when either step fails.
 */
import { rm } from 'node:fs/promises';
import { ArchibaldError } from '../../errors.js';
import { hostSystem, writeFileAtomic, type WriteHooks } from '../../system/index.js';
import { parsePwMetadata } from '../../pipewire/dump.js';
import { liveMismatches, osReleaseIsNixos, type LivePlan, type RebuildPlan } from './plan.js';
import { readBytes, withLock } from '../store.js';

/**
 * NixOS or not. ARCHIBALD_ASSUME_NIXOS=1/0 overrides detection, so tests can exercise both paths
 * on a machine that is not NixOS; otherwise /etc/os-release ID=nixos or /run/current-system decide.
 */
export async function detectNixos(env: NodeJS.ProcessEnv = process.env): Promise<{ nixos: boolean; evidence: string }> {
  if (env.ARCHIBALD_ASSUME_NIXOS === '1') return { nixos: true, evidence: 'ARCHIBALD_ASSUME_NIXOS=1' };
  if (env.ARCHIBALD_ASSUME_NIXOS === '0') return { nixos: false, evidence: 'ARCHIBALD_ASSUME_NIXOS=0' };
  const files = hostSystem().files;
  const release = await files.readFile('/etc/os-release', { maxBytes: 64 * 1024 });
  if (release.ok && osReleaseIsNixos(release.text)) return { nixos: true, evidence: '/etc/os-release has ID=nixos' };
  if (await files.exists('/run/current-system')) return { nixos: true, evidence: '/run/current-system exists' };
  return { nixos: false, evidence: release.ok ? '/etc/os-release does not say ID=nixos' : release.message };
}

interface StepResult {
  ok: boolean;
  code: number | null;
  lastLines: string[];
}

/**
 * Runs one rebuild step, streaming its output to stderr (stdout stays clean for --json).
 * Ctrl-C stops the step like a failure, so the caller still restores the previous profile.
 */
async function runStep(argv: readonly string[], timeoutMs: number): Promise<StepResult> {
  const child = hostSystem().start(argv);
  const interrupt = (): void => void child.stop('SIGINT', 10_000);
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const recent: string[] = [];
  const keep = (line: string): void => {
    process.stderr.write(`  ${line}\n`);
    recent.push(line);
    if (recent.length > 5) recent.shift();
  };
  child.onLine('stdout', keep);
  child.onLine('stderr', keep);
  const timer = setTimeout(() => void child.stop('SIGTERM', 5000), timeoutMs);
  const { code } = await child.exited;
  clearTimeout(timer);
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);
  if (code === null && recent.length === 0) recent.push(child.output().stderr.trim().split('\n').pop() ?? '');
  return { ok: code === 0, code, lastLines: recent.filter((line) => line.trim() !== '') };
}

const REBUILD_TIMEOUT_MS = 2 * 60 * 60 * 1000;

export interface RebuildOutcome {
  target: string;
  steps: Array<{ argv: string[]; ok: boolean; exitCode: number | null }>;
}

export async function carryOutRebuild(plan: RebuildPlan, profileText: string, hooks: WriteHooks = {}): Promise<RebuildOutcome> {
  return withLock(plan.target, async () => {
    const previous = await readBytes(plan.target);
    await writeFileAtomic(plan.target, profileText, { backup: true, hooks });
    process.stderr.write(`wrote ${plan.target}${previous === null ? '' : ` (previous version in ${plan.target}.bak)`}\n`);
    const steps: RebuildOutcome['steps'] = [];
    const restore = async (): Promise<string> => {
      if (previous === null) {
        await rm(plan.target, { force: true });
        return `removed ${plan.target} (there was none before)`;
      }
      await writeFileAtomic(plan.target, previous);
      return `restored the previous ${plan.target}`;
    };
    for (const [argv, isSwitch] of [
      [plan.check, false],
      [plan.activate, true],
    ] as const) {
      process.stderr.write(`$ ${argv.join(' ')}\n`);
      const result = await runStep(argv, REBUILD_TIMEOUT_MS);
      steps.push({ argv: [...argv], ok: result.ok, exitCode: result.code });
      if (!result.ok) {
        const restored = await restore();
        const why = result.code === null ? 'could not run or was stopped' : `exited with ${result.code}`;
        const detail = result.lastLines.at(-1);
        const consequence = isSwitch
          ? `if the system is left half-switched, roll back with \`${plan.rollback.join(' ')}\``
          : 'nothing was activated; the running system is unchanged';
        throw new ArchibaldError('TOOL_FAILED', `${argv.slice(0, 2).join(' ')} ${why}${detail === undefined ? '' : ` (${detail})`}; ${restored}; ${consequence}`, {
          suggestion: isSwitch ? undefined : `to undo an earlier switch: ${plan.rollback.join(' ')}`,
        });
      }
    }
    return { target: plan.target, steps };
  });
}

export interface LiveOutcome {
  settings: Record<string, string>;
  mismatches: string[];
}

export async function carryOutLive(plan: LivePlan, env: NodeJS.ProcessEnv = process.env): Promise<LiveOutcome> {
  const system = hostSystem();
  for (const argv of plan.argvs) {
    const result = await system.run(argv, { timeoutMs: 5000, env });
    if (!result.ok) {
      const why = result.reason === 'not-found' ? 'pw-metadata is not installed' : `${argv.join(' ')} failed: ${result.stderr.trim() || result.message}`;
      throw new ArchibaldError(result.reason === 'not-found' ? 'TOOL_MISSING' : 'TOOL_FAILED', why, {
        exitCode: 1,
        suggestion: 'is PipeWire running for this user? (systemctl --user status pipewire)',
      });
    }
  }
  const readBack = await system.run(plan.readBack, { timeoutMs: 5000, env });
  if (!readBack.ok) throw new ArchibaldError('TOOL_FAILED', `${plan.readBack.join(' ')} failed: ${readBack.stderr.trim() || readBack.message}`);
  const parsed = parsePwMetadata(readBack.stdout);
  if (!parsed.ok) throw new ArchibaldError('TOOL_FAILED', `${plan.readBack.join(' ')}: ${parsed.error}`);
  return { settings: parsed.value, mismatches: liveMismatches(plan, parsed.value) };
}
