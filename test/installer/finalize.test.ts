/**
 * `archibald install finalize` end to end (node bin/archibald.js, after a build) on temporary
 * roots. nixos-generate-config and nixos-install cannot run here: fake ones on PATH record argv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findTool, isRoot, needCondition } from '../helpers/tools.js';
import { validateAnswers, type AnswersInput } from '../../src/installer/answers.js';
import { planFinalize } from '../../src/installer/plan.js';
import { renderConfiguration, renderFlake } from '../../src/installer/render.js';
import { HARDWARE_STUB, REPO, REV, SOURCE, fakeTools, runCli, sampleAnswers, tempDir, writeJson } from './helpers.js';

const profileText = await readFile(path.join(REPO, 'profiles/default.json'), 'utf8');

async function setup(t: Parameters<typeof tempDir>[0], answers: unknown = sampleAnswers()) {
  const dir = await tempDir(t, 'finalize');
  const root = path.join(dir, 'target');
  await mkdir(root);
  const answersFile = await writeJson(dir, 'answers.json', answers);
  const sourceFile = await writeJson(dir, 'source.json', SOURCE);
  const hardwareFile = path.join(dir, 'hardware.nix');
  await writeFile(hardwareFile, HARDWARE_STUB);
  const base = ['install', 'finalize', '--root', root, '--answers', answersFile, '--source-file', sourceFile];
  return { dir, root, answersFile, sourceFile, hardwareFile, base };
}

const expectedAnswers = (input: AnswersInput = sampleAnswers()) => {
  const result = validateAnswers(input);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

test('finalize writes exactly the flake tree into <root>/etc/nixos', async (t) => {
  const { root, base, hardwareFile } = await setup(t);
  const result = runCli([...base, '--hardware-config', hardwareFile, '--no-install']);
  assert.equal(result.stderr.includes('internal error'), false, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `Wrote ${root}/etc/nixos#studio-1\n`);
  const etc = path.join(root, 'etc');
  assert.deepEqual(await readdir(etc), ['nixos'], 'no staging directory left behind');
  const tree = path.join(etc, 'nixos');
  assert.deepEqual((await readdir(tree)).sort(), ['configuration.nix', 'flake.nix', 'hardware-configuration.nix', 'profile.json']);
  assert.equal(await readFile(path.join(tree, 'flake.nix'), 'utf8'), renderFlake({ hostname: 'studio-1', source: SOURCE, withDisko: false }));
  assert.equal(await readFile(path.join(tree, 'configuration.nix'), 'utf8'), renderConfiguration(expectedAnswers(), '25.11'));
  assert.equal(await readFile(path.join(tree, 'hardware-configuration.nix'), 'utf8'), HARDWARE_STUB);
  assert.equal(await readFile(path.join(tree, 'profile.json'), 'utf8'), profileText);
  const flake = await readFile(path.join(tree, 'flake.nix'), 'utf8');
  assert.ok(flake.includes(`inputs.archibaldos.url = "github:archibaldos/archibaldos/${REV}?narHash=`));
});

test('finalize scans hardware and runs nixos-install --flake with exact argv (fake tools)', async (t) => {
  if (!needCondition(t, isRoot(), 'finalize runs nixos-install only as root')) return;
  const { root, base } = await setup(t);
  const fake = await fakeTools(t, {
    'nixos-generate-config': `cat <<'EOF'\n${HARDWARE_STUB}EOF`,
    'nixos-install': 'ls "$(echo "$2" | cut -d"#" -f1)" >&2',
  });
  const result = runCli([...base, '--json'], { env: fake.env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await fake.calls(), [
    ['nixos-generate-config', '--show-hardware-config', '--root', root],
    ['nixos-install', '--flake', `${root}/etc/nixos#studio-1`, '--no-root-passwd', '--root', root, '--option', 'build-dir', '/nix/var/nix/builds'],
  ]);
  // nixos-install ran after the tree was complete: its `ls` saw every file.
  for (const name of ['configuration.nix', 'flake.nix', 'hardware-configuration.nix', 'profile.json']) assert.ok(result.stderr.includes(name), result.stderr);
  assert.equal(await readFile(path.join(root, 'etc/nixos/hardware-configuration.nix'), 'utf8'), HARDWARE_STUB);
  const document = JSON.parse(result.stdout) as { plan: { mode: string; flake: string }; result: { installed: boolean; outcomes: Array<{ kind: string }> } };
  assert.equal(document.plan.flake, `${root}/etc/nixos#studio-1`);
  assert.equal(document.result.installed, true);
  assert.deepEqual(document.result.outcomes.map((o) => o.kind), ['capture', 'tree', 'run']);
});

test('finalize --dry-run --json prints the exact plan and touches nothing', async (t) => {
  const { root, base } = await setup(t);
  const result = runCli([...base, '--dry-run', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    plan: JSON.parse(JSON.stringify(planFinalize({ answers: expectedAnswers(), source: SOURCE, profileText, stateVersion: '25.11', root, hardwareConfig: null, install: true }))),
  });
  assert.deepEqual(await readdir(root), []);
});

test('finalize keeps an existing /etc/nixos aside instead of mixing trees', async (t) => {
  const { root, base, hardwareFile } = await setup(t);
  await mkdir(path.join(root, 'etc/nixos'), { recursive: true });
  await writeFile(path.join(root, 'etc/nixos/configuration.nix'), '{ }\n');
  const result = runCli([...base, '--hardware-config', hardwareFile, '--no-install']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /the previous .*\/etc\/nixos was kept as .*\/etc\/nixos\.before-archibald/);
  assert.deepEqual((await readdir(path.join(root, 'etc'))).sort(), ['nixos', 'nixos.before-archibald']);
  assert.equal(await readFile(path.join(root, 'etc/nixos.before-archibald/configuration.nix'), 'utf8'), '{ }\n');
});

test('finalize installs BIOS with an encrypted root beside a plain /boot: GRUB on the disk, no cryptodisk', async (t) => {
  const answers = sampleAnswers({ firmware: 'bios', bootDevice: '/dev/sda', luks: true, bootPartition: 'plain' });
  const { root, base, hardwareFile } = await setup(t, answers);
  const result = runCli([...base, '--hardware-config', hardwareFile, '--no-install']);
  assert.equal(result.code, 0, result.stderr);
  const configuration = await readFile(path.join(root, 'etc/nixos/configuration.nix'), 'utf8');
  assert.equal(configuration, renderConfiguration(expectedAnswers(answers), '25.11'));
  assert.match(configuration, /boot\.loader\.grub = \{\n {4}enable = true;\n {4}device = "\/dev\/sda";\n {2}\};/);
  assert.ok(!configuration.includes('enableCryptodisk'), 'GRUB reads the plain /boot; the initrd unlocks the root');
});

test('bad answers: exit 2, one line, and no tree at all', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...sampleAnswers(), hostname: 'my studio' }, /^archibald: .*answers\.json: hostname: hostname must be 1-63/],
    [{ ...sampleAnswers(), username: 'root' }, /^archibald: .*username "root" is reserved/],
    [{ ...sampleAnswers(), profile: 'no-such-profile' }, /^archibald: profile "no-such-profile" does not exist/],
    [{ ...sampleAnswers(), firmware: 'bios', bootDevice: '/dev/sda', luks: true }, /^archibald: .*answers\.json: grubCryptodisk: BIOS with \/boot on an encrypted partition needs GRUB to unlock it/],
    ['not an object', /^archibald: .*answers\.json: /],
  ];
  for (const [answers, expected] of cases) {
    const { root, base, hardwareFile } = await setup(t, answers);
    await mkdir(path.join(root, 'etc/nixos'), { recursive: true });
    await writeFile(path.join(root, 'etc/nixos/keep.nix'), 'old\n');
    const result = runCli([...base, '--hardware-config', hardwareFile, '--no-install']);
    assert.equal(result.code, 2, `${JSON.stringify(answers)}: ${result.stderr}`);
    assert.match(result.stderr.split('\n')[0] as string, expected);
    assert.equal(result.stdout, '');
    assert.deepEqual(await readdir(path.join(root, 'etc')), ['nixos'], 'nothing written or moved');
    assert.deepEqual(await readdir(path.join(root, 'etc/nixos')), ['keep.nix']);
  }
  const { base, dir } = await setup(t);
  await writeFile(path.join(dir, 'answers.json'), '{"version": 1,');
  const broken = runCli([...base, '--no-install']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /^archibald: .*answers\.json is not valid JSON/);
});

test('a failing hardware scan stops before anything is written (exit 1)', async (t) => {
  const { root, base } = await setup(t);
  const fake = await fakeTools(t, { 'nixos-generate-config': 'echo "cannot read /sys" >&2; exit 3' });
  const result = runCli([...base, '--no-install'], { env: fake.env });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /nixos-generate-config exited with code 3: cannot read \/sys/);
  assert.deepEqual(await readdir(root), []);
});

test('the source pin: missing file refused with a hint; --source overrides it', async (t) => {
  const { dir, root, answersFile, hardwareFile } = await setup(t);
  const missing = runCli(['install', 'finalize', '--root', root, '--answers', answersFile, '--source-file', path.join(dir, 'none.json'), '--no-install']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^archibald: no ArchibaldOS source pin: .*none\.json does not exist\n  pass --source /);
  const badPin = await writeJson(dir, 'bad.json', { url: 'github:a/b', rev: 'main' });
  const bad = runCli(['install', 'finalize', '--root', root, '--answers', answersFile, '--source-file', badPin, '--no-install']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /rev must be a full 40-character git commit hash/);
  const rev = 'fedcba9876543210fedcba9876543210fedcba98';
  const flag = runCli(['install', 'finalize', '--root', root, '--answers', answersFile, '--source', `git+https://example.org/a.git@${rev}`, '--hardware-config', hardwareFile, '--no-install']);
  assert.equal(flag.code, 0, flag.stderr);
  assert.match(await readFile(path.join(root, 'etc/nixos/flake.nix'), 'utf8'), new RegExp(`inputs.archibaldos.url = "git\\+https://example.org/a.git\\?rev=${rev}";`));
});

test('finalize refuses to install when not root', async (t) => {
  if (!needCondition(t, isRoot() && findTool('setpriv') !== null, 'needs root and setpriv to drop to an unprivileged user')) return;
  const { dir, base } = await setup(t);
  await chmod(dir, 0o755);
  const result = runCli(base, { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stderr, 'archibald: finalize must run as root to run nixos-install\n  run it with sudo, or pass --no-install\n');
});
