/**
 * The Nix half of ArchibaldOS, checked with the only Nix these machines have (2.8, no nixpkgs):
 * every .nix file parses, the pure functions in nix/lib pass their unit tests, the Nix side reads
 * every profile exactly as the TypeScript schema does, the modules declare the shared option names
 * and set only options the manifest records (test/nix/eval/nixos-options.json). Given checkouts of
 * nixpkgs' lib, musnix and disko, every output is evaluated with the real module system against
 * strict declarations generated from that manifest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/system/run.js';
import { profileSchema } from '../../src/profile/schema.js';
import { needCondition, needTools, toolsRequired } from '../helpers/tools.js';
import { renderDiskoLayout } from '../../src/installer/render.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function nixEval<T>(expression: string): Promise<T> {
  const result = await run(['nix-instantiate', '--eval', '--strict', '--json', '-E', expression], { timeoutMs: 60_000, cwd: root });
  if (!result.ok) throw new Error(`nix-instantiate failed (${result.reason}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Nix string literal for a file path (absolute, so the expression does not depend on cwd). */
const nixPath = (file: string): string => `(/. + ${JSON.stringify(path.resolve(root, file))})`;

async function trackedNixFiles(): Promise<string[]> {
  const result = await run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', '--', '*.nix'], { timeoutMs: 20_000, cwd: root });
  if (!result.ok) throw new Error(`git ls-files failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '' && existsSync(path.join(root, line)));
}

function profileFiles(): string[] {
  const dirs = ['profiles', 'nix/fleet/profiles'];
  return dirs.flatMap((dir) =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir))
          .filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'))
          .map((name) => path.join(dir, name))
      : [],
  );
}

const HEADER = new Set(['$schema', 'version', 'name', 'description']);
const sectionNames = (): string[] => Object.keys(profileSchema.shape).filter((key) => !HEADER.has(key));
function fieldNames(section: string): string[] {
  const schema = (profileSchema.shape as Record<string, unknown>)[section] as { shape: Record<string, unknown> };
  return Object.keys(schema.shape);
}

test('every .nix file in the repository parses', async (t) => {
  if (!needTools(t, ['nix-instantiate', 'git'])) return;
  const files = await trackedNixFiles();
  assert.ok(files.length >= 20, `expected the flake, modules, hosts and lib, found ${files.length} .nix files`);
  assert.ok(files.includes('flake.nix'));
  const failures: string[] = [];
  for (const file of files) {
    const result = await run(['nix-instantiate', '--parse', file], { timeoutMs: 30_000, cwd: root });
    if (!result.ok) failures.push(`${file}: ${result.stderr.trim()}`);
  }
  assert.deepEqual(failures, []);
});

test('no Nix file opens with `with lib;`', async (t) => {
  if (!needTools(t, ['git'])) return;
  const offenders = (await trackedNixFiles()).filter((file) => /^\s*with\s+(pkgs\.)?lib\s*;/m.test(readFileSync(path.join(root, file), 'utf8')));
  assert.deepEqual(offenders, []);
});

test('nix/lib unit tests pass (nix-instantiate --eval --strict)', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const result = await nixEval<{ failures: unknown[]; passed: number }>(`import ${nixPath('nix/lib/tests.nix')}`);
  assert.deepEqual(result.failures, []);
  assert.ok(result.passed >= 25, `only ${result.passed} nix/lib tests ran`);
});

test('a broken nix/lib case is reported, not hidden', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  // Same harness shape as tests.nix: a wrong expectation must show up in `failures`.
  const failures = await nixEval<unknown[]>(
    `let l = import ${nixPath('nix/lib')}; cases = [ { name = "x"; actual = l.expandCpuList "2-3"; expected = [ 2 ]; } ]; in builtins.filter (c: c.actual != c.expected) cases`,
  );
  assert.equal(failures.length, 1);
});

test('Nix reads every profile exactly as the TypeScript schema does', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const files = profileFiles();
  assert.ok(files.includes(path.join('profiles', 'default.json')));
  for (const file of files) {
    const parsed = profileSchema.parse(JSON.parse(readFileSync(path.join(root, file), 'utf8')));
    const expected = Object.fromEntries(Object.entries(parsed).filter(([key]) => !HEADER.has(key)));
    const fromNix = await nixEval<Record<string, unknown>>(
      `(import ${nixPath('nix/lib')}).profileToOptions (builtins.fromJSON (builtins.readFile ${nixPath(file)}))`,
    );
    assert.deepEqual(fromNix, expected, `${file}: the Nix module and the toolkit disagree`);
  }
});

test('the Nix side knows exactly the schema\'s sections and fields', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const nixFields = await nixEval<Record<string, string[]>>(`(import ${nixPath('nix/lib')}).profileFields`);
  const tsFields = Object.fromEntries(sectionNames().map((section) => [section, fieldNames(section)]));
  const sortValues = (record: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(record).map(([key, values]) => [key, [...values].sort()]));
  assert.deepEqual(sortValues(nixFields), sortValues(tsFields));
});

test('both sides reject the same malformed profiles', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const base = JSON.parse(readFileSync(path.join(root, 'profiles/default.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const mutations: Array<[string, (p: Record<string, Record<string, unknown>>) => void]> = [
    ['unknown field', (p) => void (p.kernel!.preempt = 'full')],
    ['missing field', (p) => void delete p.cpu!.governor],
    ['missing section', (p) => void delete p.sysctl],
    ['unknown section', (p) => void (p.jack = {})],
  ];
  for (const [label, mutate] of mutations) {
    const profile = structuredClone(base);
    mutate(profile);
    assert.equal(profileSchema.safeParse(profile).success, false, `zod accepted: ${label}`);
    const nixErrors = await nixEval<string[]>(
      `(import ${nixPath('nix/lib')}).profileErrors (builtins.fromJSON ${JSON.stringify(JSON.stringify(profile))})`,
    );
    assert.ok(nixErrors.length > 0, `Nix accepted: ${label}`);
  }
});

interface Shape {
  declared: Array<{ path: string; hasDescription: boolean; hasType: boolean }>;
  defined: string[];
}

interface ManifestEntry {
  path: string;
  type: string;
  file: string;
  source: string;
  scope?: string;
  use?: 'read';
}
const MANIFEST_FILE = 'test/nix/eval/nixos-options.json';
const manifest = JSON.parse(readFileSync(path.join(root, MANIFEST_FILE), 'utf8')) as {
  pinned: { nixpkgsLib: { repo: string; rev: string; libNarHash: string } };
  sources: Record<string, { repo: string; commit: string | null }>;
  options: ManifestEntry[];
};
/** The manifest's paths with a submodule's field written as "*" (one attribute name or list item). */
const manifestPatterns = manifest.options.map((option) => option.path.replace(/<name>|<item>/g, '*'));

const escapeRegExp = (text: string): string => text.replace(/[-/\\^$+?.*()|[\]{}]/g, '\\$&');
/** "users.users.*.linger" matches any user's linger. */
const optionPattern = (option: string): RegExp =>
  new RegExp(`^${option.split('.').map((part) => (part === '*' ? '[^.]+' : escapeRegExp(part))).join('\\.')}$`);

async function moduleShape(files: string): Promise<Shape> {
  const stopAt = `[ ${manifestPatterns.map((pattern) => JSON.stringify(pattern)).join(' ')} ]`;
  return nixEval<Shape>(`import ${nixPath('test/nix/module-shape.nix')} { files = ${files}; stopAt = ${stopAt}; }`);
}

const MODULE_FILES = `[ ${['nix/modules/audio', 'nix/modules/users.nix', 'nix/modules/desktop.nix', 'nix/modules/branding.nix'].map(nixPath).join(' ')} ]`;
const vmTest = `(import ${nixPath('nix/tests/audio-vm.nix')} { audioModule = ${nixPath('nix/modules/users.nix')}; mode = "rt"; })`;
const CONFIG_FILES = `${MODULE_FILES} ++ [ ${['nix/hosts/archibaldos.nix', 'nix/hosts/installer.nix'].map(nixPath).join(' ')} (removeAttrs ${vmTest} [ "nodes" ]) ${vmTest}.nodes.machine ]${
  existsSync(path.join(root, 'nix/fleet/hive.nix')) ? ` ++ (import ${nixPath('nix/fleet/test-nodes.nix')})` : ''
}`;

// The names other parts cite (the doctor's fix messages, the installer, the README).
const CONTRACT = [
  'archibald.audio.enable',
  'archibald.audio.profile',
  'archibald.audio.kernel.mode',
  'archibald.audio.kernel.threadirqs',
  'archibald.audio.kernel.isolatedCpus',
  'archibald.audio.kernel.disableMitigations',
  'archibald.audio.kernel.disableSmt',
  'archibald.audio.kernel.disableNmiWatchdog',
  'archibald.audio.kernel.transparentHugepages',
  'archibald.audio.pipewire.rate',
  'archibald.audio.pipewire.allowedRates',
  'archibald.audio.pipewire.quantum',
  'archibald.audio.pipewire.minQuantum',
  'archibald.audio.pipewire.maxQuantum',
  'archibald.audio.pipewire.jackBridge',
  'archibald.audio.device.type',
  'archibald.audio.device.periods',
  'archibald.audio.limits.rtprio',
  'archibald.audio.limits.nice',
  'archibald.audio.limits.memlock',
  'archibald.audio.rtirq.enable',
  'archibald.audio.rtirq.nameList',
  'archibald.audio.rtirq.prioHigh',
  'archibald.audio.rtirq.prioDecr',
  'archibald.audio.rtirq.prioLow',
  'archibald.audio.dasWatchdog.enable',
  'archibald.audio.cpu.governor',
  'archibald.audio.cpu.boost',
  'archibald.audio.sysctl.swappiness',
  'archibald.audio.sysctl.maxUserWatches',
  'archibald.audio.usbAudio.lowlatency',
  'archibald.audio.usbAudio.autosuspend',
  'archibald.audio.timerAccess.enable',
  'archibald.audio.rtkit.enable',
  'archibald.audio.packages.enable',
  'archibald.users.enable',
  'archibald.users.name',
  'archibald.users.passwordlessSudo',
  'archibald.desktop.enable',
  'archibald.branding.enable',
];

test('the modules declare every shared option name, each typed and described', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const { declared } = await moduleShape(MODULE_FILES);
  const names = new Set(declared.map((option) => option.path));
  assert.deepEqual(CONTRACT.filter((name) => !names.has(name)), []);
  assert.deepEqual(declared.filter((option) => !option.hasDescription || !option.hasType).map((o) => o.path), []);
  // Every profile field is an option: archibald.audio.<section>.<field>.
  const profileOptions = sectionNames().flatMap((section) => fieldNames(section).map((field) => `archibald.audio.${section}.${field}`));
  assert.deepEqual(profileOptions.filter((name) => !names.has(name)), []);
  // archibald.installer.* belongs to the installer module, which this file imports.
  assert.match(readFileSync(path.join(root, 'nix/modules/installer.nix'), 'utf8'), /options\.archibald\.installer\s*=\s*\{[\s\S]*enable\s*=/);
});

test('every profile field\'s option takes its default from the profile', () => {
  const audioDir = path.join(root, 'nix/modules/audio');
  const sources = readdirSync(audioDir).map((name) => readFileSync(path.join(audioDir, name), 'utf8'));
  for (const section of sectionNames()) {
    const source = sources.find((text) => text.includes(`import ./profile-option.nix { inherit config lib; } "${section}"`));
    assert.ok(source !== undefined, `no module reads profile section ${section}`);
    for (const field of fieldNames(section)) {
      assert.ok(source.includes(`${field} = fromProfile "${field}"`), `${section}.${field} is not read from the profile`);
    }
  }
});

test('modules, hosts, the VM test and the fleet set only options the manifest records (or declared archibald.* ones)', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const { declared } = await moduleShape(MODULE_FILES);
  const declaredNames = declared.map((option) => option.path);
  // Setting below a declared option (a submodule's fields) is setting that option.
  const isDeclared = (name: string) => declaredNames.some((option) => name === option || name.startsWith(`${option}.`));
  // archibald.installer.* is the installer module's (scanned by its own tests): its options must
  // at least be declared there.
  const installerSource = readFileSync(path.join(root, 'nix/modules/installer.nix'), 'utf8');
  const declaredByInstaller = (name: string) => {
    const option = name.split('.')[2] ?? '';
    return new RegExp(`\\b${option}\\s*=\\s*mk(Enable)?Option\\b`).test(installerSource);
  };
  const { defined } = await moduleShape(CONFIG_FILES);
  const patterns = manifestPatterns.map(optionPattern);
  const unverified = [...new Set(defined)].filter((name) => {
    if (name.startsWith('archibald.installer.')) return !declaredByInstaller(name);
    if (name.startsWith('archibald.')) return !isDeclared(name);
    return !patterns.some((pattern) => pattern.test(name));
  });
  assert.deepEqual(unverified, []);
  assert.ok(defined.includes('services.pipewire.extraConfig.pipewire') && defined.includes('image.baseName'), 'the scan saw too little');
});

test('the manifest scan would catch an option nixpkgs does not have', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const { defined } = await moduleShape(`[ { config.services.pipewire.lowLatency.enable = true; config.archibald.audio.kernel.mod = "rt"; } ]`);
  assert.deepEqual(defined.sort(), ['archibald.audio.kernel.mod', 'services.pipewire.lowLatency.enable']);
  const listed = manifest.options.some((option) => option.path === 'services.pipewire.lowLatency.enable');
  assert.equal(listed, false);
});

test('flake.lock pins the facts file\'s revisions, lock format 7', () => {
  const lock = JSON.parse(readFileSync(path.join(root, 'flake.lock'), 'utf8')) as {
    version: number;
    root: string;
    nodes: Record<string, { locked?: { rev: string; narHash: string; type: string }; inputs?: Record<string, string | string[]> }>;
  };
  assert.equal(lock.version, 7);
  assert.deepEqual(lock.nodes[lock.root]?.inputs, { disko: 'disko', musnix: 'musnix', nixpkgs: 'nixpkgs' });
  assert.equal(lock.nodes.nixpkgs?.locked?.rev, '8fd9daa3db09ced9700431c5b7ad0e8ba199b575');
  assert.equal(lock.nodes.musnix?.locked?.rev, '8548782f0d1d0928daa3fffde8a008f72219a3f3');
  assert.equal(lock.nodes.disko?.locked?.rev, '878ec37d6a8f52c6c801d0e2a2ad554c75b9353c');
  for (const name of ['nixpkgs', 'musnix', 'disko']) {
    assert.match(lock.nodes[name]?.locked?.narHash ?? '', /^sha256-[A-Za-z0-9+/]{43}=$/, name);
  }
  // musnix and disko follow our nixpkgs instead of fetching their own.
  assert.deepEqual(lock.nodes.musnix?.inputs, { nixpkgs: ['nixpkgs'] });
  assert.deepEqual(lock.nodes.disko?.inputs, { nixpkgs: ['nixpkgs'] });
});

test('the VM test script renders to valid Python for both kernel modes', async (t) => {
  if (!needTools(t, ['nix-instantiate', 'python3'])) return;
  for (const mode of ['rt', 'lowlatency']) {
    const nodes = `{ machine = (import ${nixPath('test/nix/vm-test-node.nix')}); }`;
    const script = await nixEval<string>(`(import ${nixPath('nix/tests/audio-vm.nix')} { audioModule = { }; mode = "${mode}"; }).testScript { nodes = ${nodes}; }`);
    assert.match(script, new RegExp(`expected_mode = "${mode}"`));
    assert.match(script, /quantum = 32\b/);
    const check = await run(['python3', '-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { timeoutMs: 20_000, input: script });
    assert.ok(check.ok, `${mode}: ${check.ok ? '' : check.stderr}`);
  }
});

// nixpkgs' lib, musnix and disko are not part of this repository. Given checkouts of them (see
// docs/nix.md, "Evaluating the distribution here"), every output is evaluated with the real module
// system against the manifest's strict declarations. Without them the tests skip and say which
// variables to set; under ARCHIBALD_REQUIRE_TOOLS=1 (CI) a missing checkout is a failure.
const SOURCE_VARS = ['ARCHIBALD_NIXPKGS_LIB', 'ARCHIBALD_MUSNIX_SRC', 'ARCHIBALD_DISKO_SRC'] as const;
interface Sources {
  nixpkgsLib: string;
  musnix: string;
  disko: string;
}

/** The lib/ directory of a nixpkgs.lib (or nixpkgs) checkout given as its root or as lib/ itself. */
function libDirectory(dir: string): string | null {
  if (existsSync(path.join(dir, 'lib', 'default.nix'))) return path.join(dir, 'lib');
  return existsSync(path.join(dir, 'default.nix')) && existsSync(path.join(dir, 'modules.nix')) ? dir : null;
}

function needSources(t: { skip: (message: string) => void }): Sources | null {
  const [libVar, musnixVar, diskoVar] = SOURCE_VARS;
  const lib = process.env[libVar] === undefined ? null : libDirectory(process.env[libVar]!);
  const musnix = process.env[musnixVar];
  const disko = process.env[diskoVar];
  const missing = [
    ...(lib === null ? [`${libVar} (a nix-community/nixpkgs.lib checkout, or its lib/)`] : []),
    ...(musnix === undefined || !existsSync(path.join(musnix, 'modules', 'rtirq.nix')) ? [`${musnixVar} (a musnix checkout)`] : []),
    ...(disko === undefined || !existsSync(path.join(disko, 'module.nix')) ? [`${diskoVar} (a disko checkout)`] : []),
  ];
  if (missing.length === 0) return { nixpkgsLib: lib!, musnix: musnix!, disko: disko! };
  const message = `skipped: set ${missing.join(', ')}; docs/nix.md, "Evaluating the distribution here"`;
  // .ci/run says so when the runner had no route to GitHub: the sources are not a tool apt installs.
  const unreachable = process.env.ARCHIBALD_NIX_SOURCES_UNREACHABLE;
  if (unreachable !== undefined && unreachable !== '') {
    t.skip(`${message} (the checkouts could not be fetched: ${unreachable})`);
    return null;
  }
  if (toolsRequired()) throw new Error(`${message} (ARCHIBALD_REQUIRE_TOOLS=1 makes this a failure)`);
  t.skip(message);
  return null;
}

/** The NAR hash of a directory, as flake.lock writes it (sha256-<base64>). */
async function narHash(dir: string): Promise<string> {
  const dump = await run(['sh', '-c', 'nix-store --dump "$1" | sha256sum', 'sh', dir], { timeoutMs: 60_000 });
  if (!dump.ok) throw new Error(`nix-store --dump ${dir}: ${dump.stderr}`);
  return `sha256-${Buffer.from(dump.stdout.slice(0, 64), 'hex').toString('base64')}`;
}

interface Summary {
  used: string[];
  failedAssertions: string[];
  warnings: string[];
  kernelParams: string[];
  kernelModules: string[];
  rtKernel: { tristate: string } | null;
  kernelVersion: string;
  sysctl: Record<string, number | null>;
  modprobe: string;
  limits: Array<{ domain: string; item: string; type: string; value: string | number }>;
  governor: string | null;
  musnixRtirq: { enable: boolean; nameList: string; prioHigh: number; prioDecr: number; prioLow: number };
  rtirqService: boolean;
  dasWatchdog: boolean;
  pipewire: {
    enable: boolean;
    jack: { enable: boolean };
    pulse: { enable: boolean };
    alsa: { enable: boolean };
    extraConfig: Record<string, Record<string, Record<string, Record<string, unknown>>>>;
    wireplumber: Record<string, Record<string, unknown>>;
  };
  rtkit: boolean;
  profile: Record<string, unknown> | null;
  users: Record<string, string[]>;
  wheelNeedsPassword: boolean;
  hostName: string;
  distroName: string;
  desktop: { plasma6: boolean; sddm: boolean; sddmWayland: boolean; defaultSession: string | null; autoLogin: string | null; xserver: boolean };
  plymouth: { enable: boolean; theme: string };
  systemPackages: string[];
  imageBaseName: string | null;
  isoVolumeID: string | null;
  installer: { enable: boolean; source: { url: string; rev: string; narHash: string } | null; overlays: number };
}
interface Evaluation {
  archibaldOS: Summary;
  installer: Summary & { isoName: string };
  archibaldOSWithMusnixBase: Summary;
  vmTest: Record<'rt' | 'lowlatency', Summary & { testScript: string; pkgsReadOnly: boolean; testUsed: string[] }>;
  fleet: Record<string, Summary>;
  foreign: Summary;
  foreignAudio: Summary;
  installed: Record<string, Summary & { fileSystems: Record<string, { device: string; fsType: string }>; luks: Record<string, string> }>;
  disko: boolean;
  musnixTypes: Array<{ path: string; declared: string | null; expected: string }>;
  manifest: { entries: number; paths: string[] };
}

function evalArgs(sources: Sources, extra: string[] = []): string[] {
  return [
    'nix-instantiate', '--eval', '--strict', '--json', 'test/nix/eval/configs.nix',
    '--arg', 'nixpkgsLib', sources.nixpkgsLib,
    '--arg', 'musnixSrc', sources.musnix,
    '--arg', 'diskoSrc', sources.disko,
    ...extra,
  ];
}

/** The layouts `archibald install` writes for the two firmware kinds (EFI plain, BIOS + LUKS). */
function writeLayouts(dir: string): string {
  const layouts = {
    efi: renderDiskoLayout({ device: '/dev/vda', luks: false, firmware: 'efi', luksPasswordFile: null }),
    biosLuks: renderDiskoLayout({ device: '/dev/vda', luks: true, firmware: 'bios', luksPasswordFile: '/tmp/luks-password' }),
  };
  for (const [name, text] of Object.entries(layouts)) writeFileSync(path.join(dir, `${name}.nix`), text);
  return `{ ${Object.keys(layouts).map((name) => `${name} = ${nixPath(path.join(dir, `${name}.nix`))};`).join(' ')} }`;
}

let evaluation: Promise<{ result: Evaluation; ms: number }> | null = null;
function evaluateAll(sources: Sources): Promise<{ result: Evaluation; ms: number }> {
  evaluation ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'archibald-layouts-'));
    try {
      const started = performance.now();
      const result = await run(evalArgs(sources, ['--arg', 'diskoLayouts', writeLayouts(dir)]), { timeoutMs: 120_000, cwd: root });
      const ms = performance.now() - started;
      if (!result.ok) throw new Error(`evaluation failed:\n${result.stderr}`);
      return { result: JSON.parse(result.stdout) as Evaluation, ms };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return evaluation;
}

test('the nixpkgs lib, musnix and disko checkouts are the pinned ones', async (t) => {
  if (!needTools(t, ['nix-store', 'sh', 'sha256sum'])) return;
  const sources = needSources(t);
  if (sources === null) return;
  const lock = JSON.parse(readFileSync(path.join(root, 'flake.lock'), 'utf8')) as { nodes: Record<string, { locked: { rev: string; narHash: string } }> };
  for (const [name, dir] of [['musnix', sources.musnix], ['disko', sources.disko]] as const) {
    const { rev, narHash: expected } = lock.nodes[name]!.locked;
    assert.equal(await narHash(dir), expected, `${dir} is not ${name} at flake.lock's ${rev} (extract that revision: docs/nix.md)`);
  }
  const { repo, rev, libNarHash } = manifest.pinned.nixpkgsLib;
  assert.equal(await narHash(sources.nixpkgsLib), libNarHash, `${sources.nixpkgsLib} is not lib/ of ${repo} at ${rev} (the nixos-25.11 one; see ${MANIFEST_FILE})`);
});

test('every output evaluates against the strict declarations, with the seed\'s settings', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const sources = needSources(t);
  if (sources === null) return;
  const { result: configs, ms } = await evaluateAll(sources);
  t.diagnostic(`evaluated every output in ${Math.round(ms)} ms`);
  const profile = profileSchema.parse(JSON.parse(readFileSync(path.join(root, 'profiles/default.json'), 'utf8')));
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const latency = `${profile.pipewire.quantum}/${profile.pipewire.rate}`;
  assert.equal(configs.disko, true, 'disko\'s real module was evaluated');

  const audioSystems: Record<string, Summary> = {
    archibaldOS: configs.archibaldOS,
    installer: configs.installer,
    archibaldOSWithMusnixBase: configs.archibaldOSWithMusnixBase,
    'vmTest.rt': configs.vmTest.rt,
    'vmTest.lowlatency': configs.vmTest.lowlatency,
    foreignAudio: configs.foreignAudio,
    ...Object.fromEntries(Object.entries(configs.installed).map(([name, system]) => [`installed.${name}`, system])),
  };
  for (const [name, system] of Object.entries(audioSystems)) {
    assert.deepEqual(system.failedAssertions, [], name);
    assert.equal(system.governor, profile.cpu.governor, name);
    assert.equal(system.sysctl['vm.swappiness'], profile.sysctl.swappiness, name);
    assert.equal(system.sysctl['fs.inotify.max_user_watches'], profile.sysctl.maxUserWatches, name);
    // pam_limits keeps the last line per domain and item: ours.
    const last = (item: string) => system.limits.filter((limit) => limit.domain === '@audio' && limit.item === item).at(-1)?.value;
    assert.equal(last('rtprio'), String(profile.limits.rtprio), name);
    assert.equal(last('nice'), String(profile.limits.nice), name);
    assert.equal(last('memlock'), String(profile.limits.memlock), name);
    const clock = system.pipewire.extraConfig.pipewire?.['92-low-latency']?.['context.properties'];
    assert.deepEqual(clock, {
      'default.clock.rate': profile.pipewire.rate,
      'default.clock.allowed-rates': profile.pipewire.allowedRates,
      'default.clock.quantum': profile.pipewire.quantum,
      'default.clock.min-quantum': profile.pipewire.minQuantum,
      'default.clock.max-quantum': profile.pipewire.maxQuantum,
    }, name);
    assert.equal(profile.pipewire.rate, 48000, 'the seed: 48 kHz');
    assert.equal(profile.pipewire.quantum, 32, 'the seed: 32 frames');
    assert.equal(system.pipewire.extraConfig.jack?.['92-low-latency']?.['jack.properties']?.['node.latency'], latency, name);
    assert.deepEqual([system.pipewire.enable, system.pipewire.alsa.enable, system.pipewire.pulse.enable], [true, true, true], name);
    assert.equal(system.pipewire.jack.enable, true, `${name}: the JACK bridge`);
    assert.equal(system.rtkit, true, name);
    assert.equal(system.modprobe.trim(), `options snd_usb_audio lowlatency=${profile.usbAudio.lowlatency ? 1 : 0}`, name);
    assert.ok(!system.modprobe.includes('nrpacks'), name);
    assert.deepEqual(system.musnixRtirq, { enable: true, nameList: profile.rtirq.nameList.join(' '), prioHigh: profile.rtirq.prioHigh, prioDecr: profile.rtirq.prioDecr, prioLow: profile.rtirq.prioLow }, `${name}: rtirq`);
    assert.ok(system.rtirqService, `${name}: musnix's rtirq unit`);
    assert.ok(system.kernelParams.includes('threadirqs'), `${name}: threadirqs`);
    assert.ok(system.kernelModules.includes('snd-seq'), name);
    // The effective profile is what the toolkit reads; it must pass the toolkit's own schema.
    assert.ok(profileSchema.safeParse(system.profile).success, `${name}: /etc/archibald/profile.json fails the schema`);
  }

  // PREEMPT_RT and das_watchdog where the kernel mode is "rt"; the cached kernel with preempt=full elsewhere.
  for (const name of ['archibaldOS', 'archibaldOSWithMusnixBase', 'vmTest.rt', 'foreignAudio', 'installed.efi', 'installed.biosLuks']) {
    assert.equal(audioSystems[name]!.rtKernel?.tristate, 'y', `${name}: PREEMPT_RT`);
    assert.equal(audioSystems[name]!.dasWatchdog, true, `${name}: das_watchdog`);
    assert.ok(!audioSystems[name]!.kernelParams.includes('preempt=full'), name);
  }
  for (const name of ['installer', 'vmTest.lowlatency']) {
    assert.equal(audioSystems[name]!.rtKernel, null, `${name}: the cached kernel`);
    assert.equal(audioSystems[name]!.dasWatchdog, false, name);
    assert.ok(audioSystems[name]!.kernelParams.includes('preempt=full'), name);
  }

  const os = configs.archibaldOS;
  assert.deepEqual(os.users, { 'audio-user': ['audio', 'pipewire', 'video', 'wheel'] });
  assert.equal(os.wheelNeedsPassword, true, 'installed systems ask for the sudo password');
  assert.equal(os.hostName, 'archibaldos');
  assert.equal(os.distroName, 'ArchibaldOS');
  assert.deepEqual(os.plymouth, { enable: true, theme: 'archibaldos' });
  assert.deepEqual(os.desktop, { plasma6: true, sddm: true, sddmWayland: true, defaultSession: 'plasma', autoLogin: null, xserver: true });
  assert.deepEqual(os.profile, { version: 1, name: profile.name, description: profile.description, ...Object.fromEntries(Object.entries(profile).filter(([key]) => !HEADER.has(key))) });

  const iso = configs.installer;
  assert.equal(iso.imageBaseName, `archibaldos-${version}`, 'the ISO module\'s normal-priority image.baseName loses to mkForce');
  assert.equal(iso.isoName, `archibaldos-${version}.iso`, 'packages.x86_64-linux.installer is this configuration\'s ISO');
  assert.ok(iso.isoVolumeID !== null && iso.isoVolumeID.length <= 32);
  assert.equal(iso.wheelNeedsPassword, false, 'the live ISO has passwordless sudo');
  assert.deepEqual(Object.keys(iso.users), ['nixos']);
  assert.deepEqual(iso.desktop, { plasma6: true, sddm: true, sddmWayland: true, defaultSession: 'plasma', autoLogin: 'nixos', xserver: true });
  assert.deepEqual(iso.plymouth, { enable: true, theme: 'archibaldos' });
  assert.ok(iso.installer.enable && iso.installer.overlays >= 2, 'the Calamares overlay next to musnix\'s');
  assert.ok(iso.systemPackages.includes('calamares-nixos') && iso.systemPackages.includes('calamares-nixos-extensions'), 'Calamares');
  assert.match(iso.installer.source?.rev ?? '', /^[0-9a-f]{40}$/);

  for (const mode of ['rt', 'lowlatency'] as const) {
    const node = configs.vmTest[mode];
    assert.equal(node.pkgsReadOnly, false, `${mode}: musnix's overlay needs writable test pkgs`);
    assert.match(node.testScript, new RegExp(`expected_mode = "${mode}"`));
    assert.match(node.testScript, /quantum = 32\b/);
    assert.equal(node.profile?.kernel && (node.profile.kernel as { mode: string }).mode, mode);
  }

  // The fleet: every host evaluates with colmena's options; each takes its role's profile.
  assert.deepEqual(Object.keys(configs.fleet).sort(), ['lab-01', 'lab-02', 'lab-03', 'rig-foh', 'rig-monitors']);
  for (const [name, host] of Object.entries(configs.fleet)) {
    assert.deepEqual(host.failedAssertions, [], name);
    assert.equal(host.hostName, name);
    const fleetProfile = profileSchema.parse(JSON.parse(readFileSync(path.join(root, 'nix/fleet/profiles', name.startsWith('lab') ? 'school-lab.json' : 'touring-rig.json'), 'utf8')));
    assert.equal(host.pipewire.extraConfig.pipewire?.['92-low-latency']?.['context.properties']?.['default.clock.quantum'], fleetProfile.pipewire.quantum, name);
    assert.equal(host.rtKernel === null, fleetProfile.kernel.mode === 'lowlatency', `${name}: kernel mode`);
    assert.deepEqual(host.desktop.plasma6 && host.desktop.sddm, true, name);
  }
  assert.equal(configs.fleet['rig-foh']!.musnixRtirq.nameList, 'usb');

  // nixosModules.default alone changes nothing until something is enabled.
  const bare = configs.foreign;
  assert.deepEqual(bare.failedAssertions, []);
  assert.deepEqual([bare.pipewire.enable, bare.musnixRtirq.enable, bare.dasWatchdog, bare.desktop.plasma6, bare.plymouth.enable], [false, false, false, false, false]);
  assert.deepEqual([bare.kernelParams, bare.limits, bare.users, bare.profile, bare.rtKernel, bare.governor], [[], [], {}, null, null, null]);

  // The installed systems mount what disko's real module makes of `archibald install`'s layouts.
  assert.deepEqual(configs.installed.efi!.fileSystems, {
    '/': { device: '/dev/disk/by-partlabel/disk-main-root', fsType: 'ext4' },
    '/boot': { device: '/dev/disk/by-partlabel/disk-main-ESP', fsType: 'vfat' },
  });
  assert.deepEqual(configs.installed.biosLuks!.luks, { cryptroot: '/dev/disk/by-partlabel/disk-main-root' });
  assert.equal(configs.installed.biosLuks!.fileSystems['/']?.device, '/dev/mapper/cryptroot');

  // musnix's entries are musnix's own declarations, with the manifest's types.
  assert.deepEqual(configs.musnixTypes.filter((entry) => entry.declared !== entry.expected), []);
});

test('every manifest entry is used by some module, host, test or config (no dead entries)', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const sources = needSources(t);
  if (sources === null) return;
  const { result: configs } = await evaluateAll(sources);
  assert.equal(configs.manifest.entries, manifest.options.length);
  const systems: Summary[] = [
    configs.archibaldOS, configs.installer, configs.archibaldOSWithMusnixBase, configs.vmTest.rt, configs.vmTest.lowlatency,
    configs.foreign, configs.foreignAudio, ...Object.values(configs.fleet), ...Object.values(configs.installed),
  ];
  const defined = new Set([...systems.flatMap((system) => system.used), ...configs.vmTest.rt.testUsed, ...configs.vmTest.lowlatency.testUsed]);
  // Options only read (never set) must be read somewhere: `config.<path>` in a module's source.
  const sourcesText = [
    ...['nix/modules', 'nix/hosts', 'nix/tests', 'nix/fleet'].flatMap((dir) => listNix(path.join(root, dir))),
    ...listNix(path.join(sources.musnix, 'modules')),
  ].map((file) => readFileSync(file, 'utf8')).join('\n');
  const dead = manifest.options.filter((entry) =>
    entry.use === 'read' ? !sourcesText.includes(`config.${entry.path}`) : !defined.has(entry.path),
  );
  assert.deepEqual(dead.map((entry) => entry.path), []);
});

function listNix(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listNix(path.join(dir, entry.name)) : entry.name.endsWith('.nix') ? [path.join(dir, entry.name)] : [],
  );
}

/** A copy of the evaluated tree (flake, nix/, profiles, package.json) with one module changed. */
function plantedTree(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'archibald-planted-'));
  for (const entry of ['flake.nix', 'flake.lock', 'package.json', 'nix', 'profiles']) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  const target = path.join(dir, file);
  const before = readFileSync(target, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the planted change did not apply to ${file}`);
  writeFileSync(target, after);
  return dir;
}

test('a misspelled or wrongly typed NixOS option in a module fails the evaluation', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const sources = needSources(t);
  if (sources === null) return;
  const cases: Array<[string, (text: string) => string, RegExp]> = [
    ['misspelled', (text) => text.replace('extraConfig = archibald.pipewireFragments', 'extraConfg = archibald.pipewireFragments'), /The option `services\.pipewire\.extraConfg' does not exist/],
    ['wrong type', (text) => text.replace('alsa.enable = true;', 'alsa.enable = "yes";'), /services\.pipewire\.alsa\.enable' is not of type `boolean'/],
  ];
  // A value no assertion reads is checked too: every declared option is forced as a build would
  // (only the fleet's rig-foh turns boost off, so only it defines these tmpfiles rules).
  const unread: [string, (text: string) => string, RegExp] = [
    'wrong type nobody reads',
    (text) => text.replace('"w /sys/devices/system/cpu/cpufreq/boost - - - - 0"', '{ rule = "boost"; }'),
    /systemd\.tmpfiles\.rules\."\[definition 1-entry 1\]"' is not of type `string'/,
  ];
  for (const [file, [label, change, expected]] of [
    ...cases.map((planted) => ['nix/modules/audio/pipewire.nix', planted] as const),
    ['nix/modules/audio/cpu.nix', unread] as const,
  ]) {
    const dir = plantedTree(file, change);
    try {
      const result = await run(evalArgs(sources, ['--arg', 'repoRoot', dir]), { timeoutMs: 120_000, cwd: root });
      assert.equal(result.ok, false, `${label}: the planted mistake evaluated`);
      assert.match(result.ok ? '' : result.stderr, expected, label);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('the doctor checks the VM test relies on exist in the toolkit', () => {
  const script = readFileSync(path.join(root, 'nix/tests/audio-vm.nix'), 'utf8');
  const tuple = /for check_id in \(([^)]*)\)/.exec(script)?.[1] ?? '';
  const wanted = [...tuple.matchAll(/"([a-z0-9-]+)"/g)].map((match) => match[1]!);
  assert.ok(wanted.length >= 4, 'the VM test names no doctor checks');
  const checksDir = path.join(root, 'src/doctor/checks');
  const ids = new Set(
    readdirSync(checksDir)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => [...readFileSync(path.join(checksDir, name), 'utf8').matchAll(/\bid: '([a-z0-9-]+)'/g)].map((match) => match[1]!)),
  );
  assert.deepEqual(wanted.filter((id) => !ids.has(id)), []);
});
