/**
 * The Nix half of ArchibaldOS, checked with the only Nix these machines have (2.8, no nixpkgs):
 * every .nix file parses, the pure functions in nix/lib pass their unit tests, the Nix side reads
 * every profile exactly as the TypeScript schema does, the modules declare the shared option names
 * and set only options checked against nixpkgs/musnix (test/nix/verified-options.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/system/run.js';
import { profileSchema } from '../../src/profile/schema.js';
import { needCondition, needTools } from '../helpers/tools.js';

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

const verified = JSON.parse(readFileSync(path.join(root, 'test/nix/verified-options.json'), 'utf8')) as {
  options: Array<{ path: string; source: string }>;
};

const escapeRegExp = (text: string): string => text.replace(/[-/\\^$+?.*()|[\]{}]/g, '\\$&');
/** "users.users.*.linger" matches any user's linger. */
const optionPattern = (option: string): RegExp =>
  new RegExp(`^${option.split('.').map((part) => (part === '*' ? '[^.]+' : escapeRegExp(part))).join('\\.')}$`);

async function moduleShape(files: string): Promise<Shape> {
  const stopAt = `map (o: o.path) (builtins.fromJSON (builtins.readFile ${nixPath('test/nix/verified-options.json')})).options`;
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

test('modules, hosts and the VM test set only verified options (or declared archibald.* ones)', async (t) => {
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
  const patterns = verified.options.map((option) => optionPattern(option.path));
  const unverified = [...new Set(defined)].filter((name) => {
    if (name.startsWith('archibald.installer.')) return !declaredByInstaller(name);
    if (name.startsWith('archibald.')) return !isDeclared(name);
    return !patterns.some((pattern) => pattern.test(name));
  });
  assert.deepEqual(unverified, []);
  assert.ok(defined.includes('services.pipewire.extraConfig') && defined.includes('image.baseName'), 'the scan saw too little');
});

test('the verified list would catch an option nixpkgs does not have', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const { defined } = await moduleShape(`[ { config.services.pipewire.lowLatency.enable = true; config.archibald.audio.kernel.mod = "rt"; } ]`);
  assert.deepEqual(defined.sort(), ['archibald.audio.kernel.mod', 'services.pipewire.lowLatency.enable']);
  const listed = verified.options.some((option) => option.path === 'services.pipewire.lowLatency.enable');
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

// nixpkgs' lib and musnix are not part of this repository and not on CI; given their paths, the
// configurations are evaluated with the real module system (stand-ins for nixpkgs' own options).
const nixpkgsLib = process.env.ARCHIBALD_NIXPKGS_LIB;
const musnixSrc = process.env.ARCHIBALD_MUSNIX_SRC;

interface Summary {
  failedAssertions: string[];
  warnings: string[];
  kernelParams: string[];
  kernelModules: string[];
  rtKernel: { tristate: string } | null;
  sysctl: Record<string, number>;
  modprobe: string;
  limits: Array<{ domain: string; item: string; type: string; value: string }>;
  governor: string;
  rtirq: { enable: boolean; nameList: string; prioHigh: number; prioDecr: number; prioLow: number };
  dasWatchdog: boolean;
  pipewire: { enable: boolean; jack: { enable: boolean }; extraConfig: Record<string, Record<string, Record<string, Record<string, unknown>>>> };
  profile: Record<string, unknown>;
  users: Record<string, string[]>;
  wheelNeedsPassword: boolean;
  hostName: string | null;
  distroName: string | null;
  plymouthTheme: string | null;
  imageBaseName: string | null;
  isoVolumeID: string | null;
  installerSource: { url: string; rev: string; narHash: string } | null;
}

test('the configurations evaluate with the real module system and musnix', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const available = nixpkgsLib !== undefined && musnixSrc !== undefined && existsSync(path.join(nixpkgsLib, 'default.nix'));
  if (!needCondition(t, available, 'set ARCHIBALD_NIXPKGS_LIB (nixpkgs/lib) and ARCHIBALD_MUSNIX_SRC (a musnix checkout)')) return;
  const result = await run(
    ['nix-instantiate', '--eval', '--strict', '--json', 'test/nix/eval/configs.nix', '--arg', 'nixpkgsLib', nixpkgsLib!, '--arg', 'musnixSrc', musnixSrc!],
    { timeoutMs: 120_000, cwd: root },
  );
  assert.ok(result.ok, result.ok ? '' : result.stderr);
  const configs = JSON.parse(result.stdout) as Record<'archibaldOS' | 'installer' | 'archibaldOSWithMusnixBase', Summary> & {
    vmTest: Record<'rt' | 'lowlatency', Summary>;
  };
  const profile = profileSchema.parse(JSON.parse(readFileSync(path.join(root, 'profiles/default.json'), 'utf8')));
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const latency = `${profile.pipewire.quantum}/${profile.pipewire.rate}`;

  for (const [name, summary] of Object.entries({ ...configs, ...configs.vmTest })) {
    if (name === 'vmTest') continue;
    const system = summary as Summary;
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
    assert.equal(system.pipewire.extraConfig.jack?.['92-low-latency']?.['jack.properties']?.['node.latency'], latency, name);
    assert.equal(system.pipewire.jack.enable, profile.pipewire.jackBridge, name);
    assert.equal(system.modprobe.trim(), `options snd_usb_audio lowlatency=${profile.usbAudio.lowlatency ? 1 : 0}`, name);
    assert.ok(!system.modprobe.includes('nrpacks'), name);
    assert.deepEqual(system.rtirq, { enable: true, nameList: profile.rtirq.nameList.join(' '), prioHigh: profile.rtirq.prioHigh, prioDecr: profile.rtirq.prioDecr, prioLow: profile.rtirq.prioLow }, name);
    assert.ok(system.kernelParams.includes('threadirqs'), name);
    assert.ok(system.kernelModules.includes('snd-seq'), name);
    for (const groups of Object.values(system.users)) assert.deepEqual([...groups].sort(), ['audio', 'pipewire', 'video', 'wheel'], name);
    // The effective profile is what the toolkit reads; it must pass the toolkit's own schema.
    assert.ok(profileSchema.safeParse(system.profile).success, `${name}: /etc/archibald/profile.json fails the schema`);
  }

  const os = configs.archibaldOS;
  assert.equal(os.rtKernel?.tristate, 'y', 'archibaldOS: PREEMPT_RT kernel');
  assert.ok(!os.kernelParams.includes('preempt=full'));
  assert.equal(os.dasWatchdog, true);
  assert.equal(os.wheelNeedsPassword, true, 'installed systems ask for the sudo password');
  assert.equal(os.hostName, 'archibaldos');
  assert.equal(os.distroName, 'ArchibaldOS');
  assert.equal(os.plymouthTheme, 'archibaldos');
  assert.deepEqual(os.profile, { version: 1, name: profile.name, description: profile.description, ...Object.fromEntries(Object.entries(profile).filter(([key]) => !HEADER.has(key))) });

  const iso = configs.installer;
  assert.equal(iso.imageBaseName, `archibaldos-${version}`);
  assert.ok(iso.isoVolumeID !== null && iso.isoVolumeID.length <= 32);
  assert.equal(iso.wheelNeedsPassword, false, 'the live ISO has passwordless sudo');
  assert.equal(iso.rtKernel, null, 'the ISO boots the cached kernel');
  assert.ok(iso.kernelParams.includes('preempt=full'));
  assert.deepEqual(Object.keys(iso.users), ['nixos']);
  assert.match(iso.installerSource?.rev ?? '', /^[0-9a-f]{40}$/);

  assert.equal(configs.vmTest.rt.rtKernel?.tristate, 'y');
  assert.equal(configs.vmTest.lowlatency.rtKernel, null);
  assert.ok(configs.vmTest.lowlatency.kernelParams.includes('preempt=full'));
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
