/**
 * The Calamares job (nix/installer/calamares/modules/archibald/main.py) run by the real python3
 * against a stand-in `libcalamares` (Calamares itself cannot run here), with a fake `archibald`
 * on PATH, and once with the real toolkit behind it.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needTools } from '../helpers/tools.js';
import { validateAnswers } from '../../src/installer/answers.js';
import { renderConfiguration } from '../../src/installer/render.js';
import { BIN, HARDWARE_STUB, REPO, SOURCE, fakeTools, tempDir, writeJson } from './helpers.js';

const JOB_DIR = path.join(REPO, 'nix/installer/calamares/modules/archibald');

const LIBCALAMARES_STUB = `import json, os

class _GlobalStorage:
    def __init__(self, data):
        self._data = data
    def value(self, key):
        return self._data.get(key)

globalstorage = _GlobalStorage(json.load(open(os.environ["FAKE_GLOBALSTORAGE"])))

class job:
    configuration = json.loads(os.environ.get("FAKE_JOB_CONFIGURATION", "{}"))
    progress = []
    @staticmethod
    def setprogress(value):
        job.progress.append(value)

class utils:
    @staticmethod
    def debug(message):
        print("DEBUG", message)
    @staticmethod
    def warning(message):
        print("WARNING", message)
`;

const DRIVER = `import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
sys.dont_write_bytecode = True
import main, libcalamares
result = main.run()
print("RESULT " + json.dumps({"result": result, "progress": libcalamares.job.progress, "name": main.pretty_name()}))
`;

const SWAP_UUID = '22222222-3333-4444-5555-666666666666';

function globalStorage(root: string): Record<string, unknown> {
  return {
    rootMountPoint: root,
    firmwareType: 'efi',
    bootLoader: { installPath: '/dev/nvme0n1' },
    partitions: [
      { mountPoint: '/boot', fsName: 'fat32', fs: 'fat32', claimed: true, device: '/dev/nvme0n1p1', uuid: 'ABCD-1234' },
      { mountPoint: '/', fsName: 'luks2', fs: 'ext4', claimed: true, device: '/dev/nvme0n1p2', luksMapperName: 'luks-root', uuid: '11111111-2222-3333-4444-555555555555', luksPassphrase: 'hunter2' },
      { mountPoint: '', fsName: 'luks2', fs: 'linuxswap', claimed: true, device: '/dev/nvme0n1p3', luksMapperName: 'luks-swap', uuid: SWAP_UUID, luksPassphrase: 'hunter2' },
    ],
    hostname: 'studio',
    username: 'alice',
    fullname: 'Alice Liddell',
    locationRegion: 'Europe',
    locationZone: 'Berlin',
    localeConf: { LANG: 'de_DE.UTF-8/UTF-8', LC_NUMERIC: 'de_DE.UTF-8/UTF-8', LC_TIME: 'en_GB.UTF-8/UTF-8', LC_PAPER: 'de_DE.UTF-8/UTF-8' },
    keyboardLayout: 'de',
    keyboardVariant: 'nodeadkeys',
    keyboardVConsoleKeymap: 'de-latin1-nodeadkeys ',
    autoLoginUser: 'alice',
    packagechooser_packagechooser: 'plasma6',
  };
}

const EXPECTED_ANSWERS = {
  version: 1,
  hostname: 'studio',
  username: 'alice',
  fullName: 'Alice Liddell',
  locale: 'de_DE.UTF-8',
  extraLocaleSettings: { LC_TIME: 'en_GB.UTF-8' },
  timezone: 'Europe/Berlin',
  keyboard: { layout: 'de', variant: 'nodeadkeys', consoleKeymap: 'de-latin1-nodeadkeys' },
  luks: true,
  luksDevices: [{ name: 'luks-swap', uuid: SWAP_UUID }],
  firmware: 'efi',
  bootDevice: null,
  bootPartition: 'plain',
  profile: 'studio-live',
  autoLogin: true,
};

async function runJob(t: TestContext, gs: Record<string, unknown>, env: NodeJS.ProcessEnv, jobConfiguration: Record<string, unknown> = { profile: 'studio-live' }): Promise<{ result: unknown; progress: number[]; name: string; stdout: string }> {
  const dir = await tempDir(t, 'calamares');
  await writeFile(path.join(dir, 'libcalamares.py'), LIBCALAMARES_STUB);
  await writeFile(path.join(dir, 'driver.py'), DRIVER);
  const gsFile = await writeJson(dir, 'globalstorage.json', gs);
  const run = spawnSync('python3', ['-B', path.join(dir, 'driver.py'), dir, JOB_DIR], {
    encoding: 'utf8',
    env: { ...process.env, ...env, FAKE_GLOBALSTORAGE: gsFile, FAKE_JOB_CONFIGURATION: JSON.stringify(jobConfiguration), TMPDIR: dir },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line !== undefined, run.stdout);
  return { ...(JSON.parse(line.slice('RESULT '.length)) as { result: unknown; progress: number[]; name: string }), stdout: run.stdout };
}

test('the job writes the answers from global storage and calls `archibald install finalize` with the right argv', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const copies = await tempDir(t, 'answers-copy');
  const fake = await fakeTools(t, {
    archibald: `cp "$6" ${JSON.stringify(path.join(copies, 'answers.json'))}; echo "Installed $4/etc/nixos#studio"`,
  });
  const root = '/tmp/calamares-root-q1w2e3';
  const outcome = await runJob(t, globalStorage(root), fake.env);
  assert.equal(outcome.result, null, outcome.stdout);
  assert.equal(outcome.name, 'Installing ArchibaldOS');
  assert.deepEqual(outcome.progress, [0.05, 1.0]);
  const calls = await fake.calls();
  assert.equal(calls.length, 1);
  const [argv] = calls as [string[]];
  assert.deepEqual(argv.slice(0, 6), ['archibald', 'install', 'finalize', '--root', root, '--answers']);
  assert.match(argv[6] as string, /\/archibald-answers-[^/]+\.json$/);
  assert.equal(argv.length, 7);
  assert.equal(existsSync(argv[6] as string), false, 'the answers file is removed afterwards');
  const answers = JSON.parse(await readFile(path.join(copies, 'answers.json'), 'utf8')) as unknown;
  assert.deepEqual(answers, EXPECTED_ANSWERS);
  assert.ok(!JSON.stringify(answers).includes('hunter2'), 'LUKS passphrases never leave Calamares');
  // The contract between the two languages: what Python writes, the toolkit accepts.
  const validated = validateAnswers(answers);
  assert.ok(validated.ok, validated.ok ? '' : validated.message);
  assert.ok(outcome.stdout.includes(`DEBUG archibald: Installed ${root}/etc/nixos#studio`), 'the toolkit output goes to the Calamares log');
});

test('a BIOS machine without locale or time zone answers gets the defaults and the GRUB disk', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const copies = await tempDir(t, 'answers-copy');
  const fake = await fakeTools(t, { archibald: `cp "$6" ${JSON.stringify(path.join(copies, 'answers.json'))}` });
  const gs = globalStorage('/mnt');
  for (const key of ['localeConf', 'locationRegion', 'locationZone', 'keyboardVConsoleKeymap', 'autoLoginUser', 'fullname', 'hostname']) delete gs[key];
  gs.firmwareType = 'bios';
  gs.bootLoader = { installPath: '/dev/sda' };
  gs.partitions = [{ mountPoint: '/', fsName: 'ext4', fs: 'ext4', claimed: true, device: '/dev/sda1' }];
  const outcome = await runJob(t, gs, fake.env);
  assert.equal(outcome.result, null);
  const answers = JSON.parse(await readFile(path.join(copies, 'answers.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(
    { ...answers },
    {
      ...EXPECTED_ANSWERS,
      hostname: 'archibaldos',
      fullName: '',
      locale: 'en_US.UTF-8',
      extraLocaleSettings: {},
      timezone: 'UTC',
      keyboard: { layout: 'de', variant: 'nodeadkeys', consoleKeymap: null },
      luks: false,
      luksDevices: [],
      firmware: 'bios',
      bootDevice: '/dev/sda',
      bootPartition: 'none',
      autoLogin: false,
    },
  );
  assert.ok(validateAnswers(answers).ok);
});

test('a failing toolkit fails the Calamares job with its last lines', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const fake = await fakeTools(t, { archibald: 'echo "archibald: answers: hostname: hostname must be 1-63 letters" >&2; exit 2' });
  const outcome = await runJob(t, globalStorage('/mnt'), fake.env);
  assert.deepEqual(outcome.result, ['ArchibaldOS could not be installed', 'archibald: answers: hostname: hostname must be 1-63 letters']);
});

/** The real toolkit behind the job, with only what this machine lacks supplied by flags: the hardware scan and the ISO pin. */
async function realToolkit(t: TestContext): Promise<{ root: string; fake: Awaited<ReturnType<typeof fakeTools>> }> {
  const dir = await tempDir(t, 'calamares-e2e');
  const root = path.join(dir, 'target');
  await mkdir(root);
  const hardware = path.join(dir, 'hardware.nix');
  await writeFile(hardware, HARDWARE_STUB);
  const source = await writeJson(dir, 'source.json', SOURCE);
  const fake = await fakeTools(t, {
    archibald: `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@" --no-install --hardware-config ${JSON.stringify(hardware)} --source-file ${JSON.stringify(source)} --state-version 25.11`,
  });
  return { root, fake };
}

test('job and real toolkit together: Calamares answers become the installed flake tree', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const { root, fake } = await realToolkit(t);
  const gs = globalStorage(root);
  const outcome = await runJob(t, gs, fake.env, {});
  assert.equal(outcome.result, null, outcome.stdout);
  assert.deepEqual((await readdir(path.join(root, 'etc/nixos'))).sort(), ['configuration.nix', 'flake.nix', 'hardware-configuration.nix', 'profile.json']);
  const validated = validateAnswers({ ...EXPECTED_ANSWERS, profile: 'default' });
  assert.ok(validated.ok);
  assert.equal(await readFile(path.join(root, 'etc/nixos/configuration.nix'), 'utf8'), renderConfiguration(validated.value, '25.11'));
  assert.equal(await readFile(path.join(root, 'etc/nixos/hardware-configuration.nix'), 'utf8'), HARDWARE_STUB);
});

test('the profile page choice (packagechooser_audioprofile) wins over the build-time default', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const copies = await tempDir(t, 'answers-copy');
  const fake = await fakeTools(t, { archibald: `cp "$6" ${JSON.stringify(path.join(copies, 'answers.json'))}` });
  const gs = { ...globalStorage('/mnt'), packagechooser_audioprofile: 'live' };
  assert.equal((await runJob(t, gs, fake.env, { profile: 'studio' })).result, null);
  assert.equal((JSON.parse(await readFile(path.join(copies, 'answers.json'), 'utf8')) as { profile: string }).profile, 'live');
  // A page that stored nothing (or an empty choice) leaves the build-time default.
  assert.equal((await runJob(t, { ...gs, packagechooser_audioprofile: '' }, fake.env, { profile: 'studio' })).result, null);
  assert.equal((JSON.parse(await readFile(path.join(copies, 'answers.json'), 'utf8')) as { profile: string }).profile, 'studio');
});

test('job and real toolkit: the profile chosen on the page becomes /etc/nixos/profile.json', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const { root, fake } = await realToolkit(t);
  const outcome = await runJob(t, { ...globalStorage(root), packagechooser_audioprofile: 'live' }, fake.env, { profile: 'default' });
  assert.equal(outcome.result, null, outcome.stdout);
  assert.equal(await readFile(path.join(root, 'etc/nixos/profile.json'), 'utf8'), await readFile(path.join(REPO, 'profiles/live.json'), 'utf8'));
  assert.match(await readFile(path.join(root, 'etc/nixos/configuration.nix'), 'utf8'), /archibald\.audio\.profile = \.\/profile\.json;/);
});

/** Calamares' "Erase disk" + "Encrypt system" on a BIOS machine: one encrypted partition holds / and /boot. */
function biosEraseEncrypted(root: string): Record<string, unknown> {
  return {
    ...globalStorage(root),
    firmwareType: 'bios',
    bootLoader: { installPath: '/dev/sda' },
    partitions: [
      { mountPoint: '/', fsName: 'luks2', fs: 'ext4', claimed: true, device: '/dev/sda1', luksMapperName: 'luks-root', uuid: '11111111-2222-3333-4444-555555555555', luksPassphrase: 'hunter2' },
      { mountPoint: '', fsName: 'luks2', fs: 'linuxswap', claimed: true, device: '/dev/sda2', luksMapperName: 'luks-swap', uuid: SWAP_UUID, luksPassphrase: 'swap pass' },
    ],
  };
}

test('BIOS with /boot inside the encrypted root: the job enrols a key file with cryptsetup and asks for GRUB cryptodisk', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const dir = await tempDir(t, 'cryptodisk');
  const root = path.join(dir, 'target');
  await mkdir(root);
  const stdinLog = path.join(dir, 'stdin.log');
  const fake = await fakeTools(t, {
    archibald: `cp "$6" ${JSON.stringify(path.join(dir, 'answers.json'))}`,
    cryptsetup: `cat >> ${JSON.stringify(stdinLog)}; echo >> ${JSON.stringify(stdinLog)}`,
  });
  const outcome = await runJob(t, biosEraseEncrypted(root), fake.env);
  assert.equal(outcome.result, null, outcome.stdout);
  const keyFile = path.join(root, 'boot/crypto_keyfile.bin');
  const calls = await fake.calls();
  const pbkdf2 = ['--hash', 'sha256', '--pbkdf', 'pbkdf2'];
  assert.deepEqual(calls.slice(0, 4), [
    ['cryptsetup', 'luksConvertKey', ...pbkdf2, '/dev/sda1'],
    ['cryptsetup', 'luksAddKey', ...pbkdf2, '/dev/sda1', keyFile],
    ['cryptsetup', 'luksConvertKey', ...pbkdf2, '/dev/sda2'],
    ['cryptsetup', 'luksAddKey', ...pbkdf2, '/dev/sda2', keyFile],
  ]);
  assert.equal(calls[4]?.[0], 'archibald', 'the toolkit runs after the key file is enrolled');
  // Each partition's own passphrase unlocks its key slot, on stdin, never on a command line.
  assert.equal(await readFile(stdinLog, 'utf8'), 'hunter2\nhunter2\nswap pass\nswap pass\n');
  const { stat } = await import('node:fs/promises');
  assert.equal((await stat(keyFile)).size, 2048);
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
  assert.equal((await stat(path.join(root, 'boot'))).mode & 0o777, 0o700);
  const answers = JSON.parse(await readFile(path.join(dir, 'answers.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(answers.bootPartition, 'none');
  assert.deepEqual(answers.grubCryptodisk, { keyFile: '/boot/crypto_keyfile.bin', devices: ['luks-root', 'luks-swap'] });
  assert.ok(!JSON.stringify(answers).includes('hunter2'));
  const validated = validateAnswers(answers);
  assert.ok(validated.ok, validated.ok ? '' : validated.message);
});

test('a failing cryptsetup fails the job before the toolkit runs', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const dir = await tempDir(t, 'cryptodisk-fail');
  const fake = await fakeTools(t, { archibald: 'exit 0', cryptsetup: 'echo "No key available with this passphrase." >&2; exit 2' });
  const outcome = await runJob(t, biosEraseEncrypted(dir), fake.env);
  assert.deepEqual(outcome.result, [
    'ArchibaldOS could not be installed',
    'Setting up the key file for the encrypted /boot: luksConvertKey /dev/sda1 failed: No key available with this passphrase.',
  ]);
  assert.deepEqual((await fake.calls()).map((argv) => argv[0]), ['cryptsetup']);
});

test('BIOS with an encrypted root beside a plain /boot (manual partitioning): no key file, the real toolkit installs GRUB on the disk', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const { root, fake } = await realToolkit(t);
  const gs = {
    ...biosEraseEncrypted(root),
    partitions: [
      { mountPoint: '/boot', fsName: 'ext4', fs: 'ext4', claimed: true, device: '/dev/sda1', uuid: 'aaaaaaaa-2222-3333-4444-555555555555' },
      { mountPoint: '/', fsName: 'luks2', fs: 'ext4', claimed: true, device: '/dev/sda2', luksMapperName: 'luks-root', uuid: '11111111-2222-3333-4444-555555555555', luksPassphrase: 'hunter2' },
    ],
  };
  const outcome = await runJob(t, gs, fake.env, {});
  assert.equal(outcome.result, null, outcome.stdout);
  assert.ok(!(await fake.calls()).some((argv) => argv[0] === 'cryptsetup'));
  assert.equal(existsSync(path.join(root, 'boot/crypto_keyfile.bin')), false);
  const configuration = await readFile(path.join(root, 'etc/nixos/configuration.nix'), 'utf8');
  assert.match(configuration, /boot\.loader\.grub = \{\n {4}enable = true;\n {4}device = "\/dev\/sda";\n {2}\};/);
  assert.ok(!configuration.includes('enableCryptodisk'));
});

test('job and real toolkit: BIOS erase + encrypt installs with GRUB cryptodisk', async (t) => {
  if (!needTools(t, ['python3'])) return;
  const { root, fake } = await realToolkit(t);
  const cryptsetup = await fakeTools(t, { cryptsetup: 'cat > /dev/null' });
  const outcome = await runJob(t, biosEraseEncrypted(root), { PATH: `${cryptsetup.dir}:${fake.env.PATH ?? ''}` }, {});
  assert.equal(outcome.result, null, outcome.stdout);
  const configuration = await readFile(path.join(root, 'etc/nixos/configuration.nix'), 'utf8');
  assert.match(configuration, /boot\.loader\.grub\.enableCryptodisk = true;/);
  assert.match(configuration, /boot\.initrd\.luks\.devices\.luks-root\.keyFile = "\/boot\/crypto_keyfile\.bin";/);
});
