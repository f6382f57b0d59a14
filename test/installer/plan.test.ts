import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateAnswers, type Answers, type AnswersInput } from '../../src/installer/answers.js';
import { describePlan, planFinalize, planHeadless } from '../../src/installer/plan.js';
import { renderConfiguration, renderDiskoLayout, renderFlake } from '../../src/installer/render.js';
import { HARDWARE_STUB, REPO, SOURCE, sampleAnswers } from './helpers.js';

const profileText = readFileSync(path.join(REPO, 'profiles/default.json'), 'utf8');

function answers(overrides: Partial<AnswersInput> = {}): Answers {
  const result = validateAnswers(sampleAnswers(overrides));
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

test('headless plan: exact steps, argv and files, in order', () => {
  const a = answers({ luks: true });
  const plan = planHeadless({
    answers: a,
    source: SOURCE,
    profileText,
    stateVersion: '25.11',
    disk: '/dev/nvme0n1',
    mountPoint: '/mnt',
    workDir: '/tmp/archibald-install',
    luksPasswordFile: '/root/luks.pass',
    setPassword: true,
  });
  const layout = renderDiskoLayout({ device: '/dev/nvme0n1', luks: true, firmware: 'efi', luksPasswordFile: '/root/luks.pass' });
  assert.deepEqual(plan, {
    version: 1,
    mode: 'install',
    root: '/mnt',
    disk: '/dev/nvme0n1',
    flake: '/mnt/etc/nixos#studio-1',
    steps: [
      { step: 'write', path: '/tmp/archibald-install/disko.nix', content: layout, why: 'the disk layout disko partitions, formats and mounts' },
      {
        step: 'run',
        argv: ['disko', '--mode', 'destroy,format,mount', '--yes-wipe-all-disks', '--root-mountpoint', '/mnt', '/tmp/archibald-install/disko.nix'],
        why: 'erase /dev/nvme0n1, create GPT + ESP + LUKS2 + ext4 and mount it on /mnt',
      },
      {
        step: 'capture',
        argv: ['nixos-generate-config', '--show-hardware-config', '--no-filesystems', '--root', '/mnt'],
        into: 'hardware-configuration.nix',
        why: 'detect kernel modules, CPU microcode and the platform of this machine',
      },
      {
        step: 'tree',
        dir: '/mnt/etc/nixos',
        why: 'the installed system: a flake that follows ArchibaldOS',
        files: [
          { name: 'flake.nix', content: renderFlake({ hostname: 'studio-1', source: SOURCE, withDisko: true }) },
          { name: 'configuration.nix', content: renderConfiguration(a, '25.11') },
          { name: 'disko.nix', content: layout },
          { name: 'hardware-configuration.nix', content: null },
          { name: 'profile.json', content: profileText },
        ],
      },
      {
        step: 'run',
        argv: ['nixos-install', '--flake', '/mnt/etc/nixos#studio-1', '--no-root-passwd', '--root', '/mnt'],
        why: 'build ArchibaldOS and install it with its boot loader',
      },
      {
        step: 'run',
        argv: ['nixos-enter', '--root', '/mnt', '--', 'chpasswd'],
        stdin: 'alice:<password from --password-file>',
        why: "set alice's password",
      },
    ],
  });
  // The layout names the passphrase file; the secret itself never appears in a plan.
  assert.match(layout, /passwordFile = "\/root\/luks.pass";/);
});

test('finalize plan: hardware scan with file systems, Calamares build-dir option, or only the tree', () => {
  const a = answers();
  const scanned = planFinalize({ answers: a, source: SOURCE, profileText, stateVersion: '25.11', root: '/tmp/calamares-root-x', hardwareConfig: null, install: true });
  assert.deepEqual(
    scanned.steps.map((s) => (s.step === 'tree' ? ['tree', s.dir, ...s.files.map((f) => `${f.name}:${f.content === null ? 'captured' : 'known'}`)] : [s.step, ...('argv' in s ? s.argv : [])])),
    [
      ['capture', 'nixos-generate-config', '--show-hardware-config', '--root', '/tmp/calamares-root-x'],
      ['tree', '/tmp/calamares-root-x/etc/nixos', 'flake.nix:known', 'configuration.nix:known', 'hardware-configuration.nix:captured', 'profile.json:known'],
      ['run', 'nixos-install', '--flake', '/tmp/calamares-root-x/etc/nixos#studio-1', '--no-root-passwd', '--root', '/tmp/calamares-root-x', '--option', 'build-dir', '/nix/var/nix/builds'],
    ],
  );
  const flakeFile = scanned.steps[1]?.step === 'tree' ? scanned.steps[1].files[0]?.content : null;
  assert.ok(flakeFile !== null && flakeFile !== undefined && !flakeFile.includes('disko.nix') && !flakeFile.includes('nixosModules.disko'), 'Calamares partitions itself: no disko in the flake');

  const treeOnly = planFinalize({ answers: a, source: SOURCE, profileText, stateVersion: '25.11', root: '/r', hardwareConfig: HARDWARE_STUB, install: false });
  assert.equal(treeOnly.steps.length, 1);
  assert.deepEqual(treeOnly.steps[0]?.step === 'tree' && treeOnly.steps[0].files.find((f) => f.name === 'hardware-configuration.nix'), {
    name: 'hardware-configuration.nix',
    content: HARDWARE_STUB,
  });
});

test('human plan: every step, every argv, every file named, contents shown', () => {
  const plan = planHeadless({
    answers: answers(),
    source: SOURCE,
    profileText,
    stateVersion: '25.11',
    disk: '/dev/sda',
    mountPoint: '/mnt',
    workDir: '/tmp/archibald-install',
    luksPasswordFile: null,
    setPassword: false,
  });
  const text = describePlan(plan);
  const headlines = text.split('\n').filter((line) => line !== '' && !line.startsWith('      |'));
  assert.deepEqual(headlines, [
    '1. write /tmp/archibald-install/disko.nix  (the disk layout disko partitions, formats and mounts)',
    '2. run   disko --mode destroy,format,mount --yes-wipe-all-disks --root-mountpoint /mnt /tmp/archibald-install/disko.nix  (erase /dev/sda, create GPT + ESP + ext4 and mount it on /mnt)',
    '3. run   nixos-generate-config --show-hardware-config --no-filesystems --root /mnt > hardware-configuration.nix  (detect kernel modules, CPU microcode and the platform of this machine)',
    '4. write /mnt/etc/nixos/ atomically  (the installed system: a flake that follows ArchibaldOS)',
    '   - /mnt/etc/nixos/flake.nix',
    '   - /mnt/etc/nixos/configuration.nix',
    '   - /mnt/etc/nixos/disko.nix',
    '   - /mnt/etc/nixos/hardware-configuration.nix  (output of step above)',
    '   - /mnt/etc/nixos/profile.json',
    '5. run   nixos-install --flake /mnt/etc/nixos#studio-1 --no-root-passwd --root /mnt  (build ArchibaldOS and install it with its boot loader)',
  ]);
  assert.ok(text.includes('      |   networking.hostName = "studio-1";'));
  assert.ok(text.includes('      |   "name": "studio",'), 'the profile content is shown');
});
