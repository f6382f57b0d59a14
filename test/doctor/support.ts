/** Shared by the doctor's tests: fixture roots, facts gathered from them, and judging one check. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemAt, type System } from '../../src/system/index.js';
import { FactGatherer } from '../../src/doctor/gather.js';
import { CHECKS } from '../../src/doctor/checks/index.js';
import { judgeAll } from '../../src/doctor/run.js';
import { BUNDLED_DEFAULT, type DoctorProfile } from '../../src/doctor/profile.js';
import type { CheckResult, Context, Fact, FactKey, Facts } from '../../src/doctor/types.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const ROOTS = ['stock', 'archibald', 'half', 'hostile'] as const;
export type RootName = (typeof ROOTS)[number];
export const rootOf = (name: string): string => path.join(FIXTURES, name);
export const captured = (name: string): string => path.join(FIXTURES, 'captured', name);

const ALL_KEYS = [...new Set(CHECKS.flatMap((check) => check.needs))] as FactKey[];

export async function gatherFrom(system: System, options: ConstructorParameters<typeof FactGatherer>[1] = {}): Promise<Facts> {
  return new FactGatherer(system, options).gather(ALL_KEYS);
}

const cache = new Map<string, Promise<Facts>>();
/** Facts of a fixture root, gathered once per test file. */
export function factsOf(name: RootName): Promise<Facts> {
  let facts = cache.get(name);
  if (facts === undefined) {
    facts = gatherFrom(systemAt(rootOf(name)));
    cache.set(name, facts);
  }
  return facts;
}

export const ok = <T>(value: T, source = 'test'): Fact<T> => ({ ok: true, value, source });
export const absent = (reason = 'absent in test'): Fact<never> => ({ ok: false, reason });

export function contextFor(facts: Facts, overrides: { profile?: Partial<{ [K in keyof DoctorProfile]: Partial<DoctorProfile[K]> }>; isNixos?: boolean } = {}): Context {
  const base = facts.profile.ok ? facts.profile.value : BUNDLED_DEFAULT;
  const profile = structuredClone(base) as DoctorProfile;
  for (const [section, fields] of Object.entries(overrides.profile ?? {})) Object.assign((profile as unknown as Record<string, object>)[section] as object, fields);
  return {
    isNixos: overrides.isNixos ?? (facts.osRelease.ok && facts.osRelease.value.ID === 'nixos'),
    profile,
    profileSource: facts.profile.ok ? facts.profile.source : 'the bundled default profile',
  };
}

export function judgeOne(id: string, facts: Facts, context: Context = contextFor(facts)): CheckResult {
  const check = CHECKS.find((candidate) => candidate.id === id);
  if (check === undefined) throw new Error(`no check ${id}`);
  return judgeAll([check], facts, context)[0] as CheckResult;
}
