/** `archibald doctor`: gather the facts the selected checks need, judge them, print. */
import { systemAt } from '../system/index.js';
import { usageError, inputError } from '../errors.js';
import { colours, printJson, useColour } from '../output.js';
import { didYouMean } from '../suggest.js';
import { CHECKS } from './checks/index.js';
import { FactGatherer } from './gather.js';
import { BUNDLED_DEFAULT } from './profile.js';
import { countStatuses, judgeAll } from './run.js';
import { renderHuman } from './render.js';
import type { CheckDefinition, FactKey } from './types.js';
import type { DoctorReport } from './schema.js';

export interface DoctorOptions {
  root?: string;
  json?: boolean;
  only?: string;
  profile?: string;
  user?: string;
}

export function selectChecks(only: string | undefined): readonly CheckDefinition[] {
  if (only === undefined) return CHECKS;
  const ids = only.split(',').map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw usageError('--only needs at least one check id');
  const unknown = ids.filter((id) => !CHECKS.some((check) => check.id === id));
  if (unknown.length > 0) {
    const known = CHECKS.map((check) => check.id);
    const named = unknown.map((id) => `${id}${didYouMean(id, known)}`).join(', ');
    throw usageError(`unknown check id${unknown.length === 1 ? '' : 's'} in --only: ${named}; known: ${known.join(', ')}`);
  }
  return CHECKS.filter((check) => ids.includes(check.id));
}

/** Everything but printing: options in, report out (used by tests and by `archibald report`). */
export async function doctorReport(options: DoctorOptions): Promise<{ report: DoctorReport; checks: readonly CheckDefinition[] }> {
  const checks = selectChecks(options.only);
  const system = systemAt(options.root);
  const rooted = !system.files.isHost;
  if (rooted) {
    const top = await system.files.readDir('/');
    if (!top.ok) throw usageError(`--root ${options.root}: ${top.problem === 'missing' ? 'no such directory' : top.message}`);
  }
  if (options.user !== undefined && !/^[a-z_][a-z0-9_.-]*\$?$/i.test(options.user)) throw usageError(`--user ${JSON.stringify(options.user)} is not a user name`);
  const gatherer = new FactGatherer(system, {
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.profile === undefined ? {} : { profileFile: options.profile }),
    ...(rooted ? {} : { process: { uid: process.getuid?.() ?? 0, env: process.env } }),
    ...(process.env.ARCHIBALD_DOCTOR_TIMING === '1' ? { onTiming: (key: FactKey, ms: number) => process.stderr.write(`doctor: ${key} ${ms.toFixed(1)} ms\n`) } : {}),
  });
  const needs = new Set<FactKey>(['osRelease', 'kernelRelease', 'user', 'profile']);
  for (const check of checks) for (const key of check.needs) needs.add(key);
  const [facts, hostname] = await Promise.all([gatherer.gather(needs), system.files.readFile('/proc/sys/kernel/hostname', { maxBytes: 256 })]);
  if (options.profile !== undefined && !facts.profile.ok) throw inputError(`--profile: ${facts.profile.reason}`);
  const os = facts.osRelease.ok ? facts.osRelease.value : undefined;
  const context = {
    // NixOS derivatives (ArchibaldOS itself) keep ID_LIKE=nixos.
    isNixos: os?.ID === 'nixos' || (os?.ID_LIKE ?? '').split(/\s+/).includes('nixos'),
    profile: facts.profile.ok ? facts.profile.value : BUNDLED_DEFAULT,
    profileSource: facts.profile.ok ? facts.profile.source : 'the bundled default profile',
  };
  const results = judgeAll(checks, facts, context);
  const report: DoctorReport = {
    version: 1,
    host: {
      hostname: hostname.ok && /^[\w.-]{1,253}$/.test(hostname.text.trim()) ? hostname.text.trim() : null,
      os: os?.PRETTY_NAME ?? os?.NAME ?? null,
      nixos: context.isNixos,
      kernel: facts.kernelRelease.ok ? facts.kernelRelease.value : null,
      root: rooted ? system.files.root : null,
      user: facts.user.ok ? facts.user.value.name : null,
      profile: context.profileSource,
    },
    checks: results,
    counts: countStatuses(results),
  };
  return { report, checks };
}

export async function runDoctorCommand(options: DoctorOptions): Promise<number> {
  const timing = process.env.ARCHIBALD_DOCTOR_TIMING === '1';
  if (timing) process.stderr.write(`doctor: command starts ${performance.now().toFixed(1)} ms after process start\n`);
  const { report, checks } = await doctorReport(options);
  if (timing) process.stderr.write(`doctor: report ready at ${performance.now().toFixed(1)} ms\n`);
  if (options.json === true) printJson(report);
  else {
    const tty = useColour(process.stdout);
    process.stdout.write(renderHuman(report, checks, { tty, palette: colours(tty) }));
  }
  return report.counts.fail > 0 ? 1 : 0;
}
