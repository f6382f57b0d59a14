/** The report's adapter: what it shows, read through src/system and the capabilities' own code. */
import path from 'node:path';
import { runGroupedDoctor, type GroupedDoctor } from '../doctor/index.js';
import { latencyReport, type LatencyReport } from '../latency/index.js';
import { loadProfile, type Profile } from '../profile/index.js';
import { hostSystem, type System } from '../system/index.js';
import { latestResult } from '../system/index.js';
import { parseAsoundCards, parseCpuInfo, type CpuSummary, type SoundCard } from './identity.js';

export type Known<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SavedResult {
  file: string;
  document: unknown;
}

export interface ReportData {
  generatedAt: string;
  identity: {
    hostname: string | null;
    os: string | null;
    nixosVersion: Known<string>;
    kernel: Known<string>;
    cpu: Known<CpuSummary>;
    soundCards: Known<SoundCard[]>;
  };
  doctor: Known<GroupedDoctor>;
  profile: Known<{ path: string; profile: Profile }>;
  /** `archibald latency --json` for the active profile (with --measured when a bench rtl result is saved). */
  latency: Known<LatencyReport>;
  results: { rt: SavedResult | null; rtl: SavedResult | null; xruns: SavedResult | null; tune?: SavedResult | null };
}

async function commandLine(system: System, argv: string[]): Promise<Known<string>> {
  const result = await system.run(argv, { timeoutMs: 3000, maxOutputBytes: 4096 });
  if (!result.ok) return { ok: false, reason: result.message };
  const line = result.stdout.trim().split('\n')[0]?.trim() ?? '';
  return line === '' ? { ok: false, reason: `${argv[0] ?? ''} printed nothing` } : { ok: true, value: line };
}

async function parsedFile<T>(system: System, file: string, parse: (text: string) => { ok: true; value: T } | { ok: false; error: string }): Promise<Known<T>> {
  const read = await system.files.readFile(file, { maxBytes: 1 << 20 });
  if (!read.ok) return { ok: false, reason: read.problem === 'missing' ? `${file} does not exist (no ALSA driver loaded?)` : read.message };
  const parsed = parse(read.text);
  return parsed.ok ? parsed : { ok: false, reason: `${file}: ${parsed.error}` };
}

const settle = <T>(promise: Promise<T>): Promise<Known<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.message : String(error) }),
  );

/** The latency model in-process, exactly what `archibald latency --json` prints. */
async function latencyModel(rtlFile: string | null): Promise<Known<LatencyReport>> {
  const attempt = (options: Record<string, string | boolean>): Promise<Known<LatencyReport>> => settle(latencyReport(options).then(({ report }) => report));
  // A saved measurement the model cannot read (no trace found) must not cost the model itself.
  const measured = rtlFile === null ? null : await attempt({ measured: rtlFile });
  return measured?.ok === true ? measured : attempt({});
}

const named = (found: { file: string; document: unknown } | null): SavedResult | null => (found === null ? null : { file: path.basename(found.file), document: found.document });

export async function gatherReport(env: NodeJS.ProcessEnv = process.env, system: System = hostSystem()): Promise<ReportData> {
  const [nixosVersion, kernel, cpu, soundCards, hostname, doctor, profile, rt, rtl, xruns, tune] = await Promise.all([
    commandLine(system, ['nixos-version']).then((known) => (known.ok || !/not installed|not found/.test(known.reason) ? known : { ok: false as const, reason: 'not NixOS (nixos-version is not installed)' })),
    commandLine(system, ['uname', '-r']),
    parsedFile(system, '/proc/cpuinfo', parseCpuInfo),
    parsedFile(system, '/proc/asound/cards', parseAsoundCards),
    system.files.readFile('/proc/sys/kernel/hostname', { maxBytes: 256 }),
    settle(runGroupedDoctor()),
    settle(loadProfile().then((loaded) => ({ path: loaded.path, profile: loaded.profile }))),
    latestResult('bench-rt', env),
    latestResult('bench-rtl', env),
    latestResult('bench-xruns', env),
    latestResult('tune', env),
  ]);
  const name = hostname.ok ? hostname.text.trim() : '';
  const latency = await latencyModel(rtl?.file ?? null);
  return {
    generatedAt: new Date().toISOString(),
    identity: {
      hostname: /^[\w.-]{1,253}$/.test(name) ? name : null,
      os: doctor.ok ? doctor.value.report.host.os : null,
      nixosVersion,
      kernel,
      cpu,
      soundCards,
    },
    doctor,
    profile,
    latency,
    // File names only: the state directory's path is noise in a bug report.
    results: { rt: named(rt), rtl: named(rtl), xruns: named(xruns), tune: named(tune) },
  };
}
