/**
 * The generated Nix files parse, and evaluate (with nix-instantiate, builtins only) to exactly the
 * choices that went in: the flake's module list, the configuration's options, disko's layout.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { needTools } from '../helpers/tools.js';
import { validateAnswers, type Answers, type AnswersInput } from '../../src/installer/answers.js';
import { nixString } from '../../src/installer/nix.js';
import { renderConfiguration, renderDiskoLayout, renderFlake } from '../../src/installer/render.js';
import { HARDWARE_STUB, REPO, REV, SOURCE, nixParseError, sampleAnswers, tempDir } from './helpers.js';

function answers(overrides: Partial<AnswersInput> = {}): Answers {
  const result = validateAnswers(sampleAnswers(overrides));
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function nixEval(expression: string): unknown {
  const result = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expression], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`nix-instantiate failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function evalConfiguration(t: TestContext, text: string): Promise<unknown> {
  const dir = await tempDir(t, 'render');
  const file = path.join(dir, 'configuration.nix');
  await writeFile(file, text);
  // lib.mkDefault is the only lib function the file uses; the path is shown by name, not copied.
  return nixEval(`let c = import ${file} { lib = { mkDefault = v: { _default = v; }; }; };
    in c // { archibald = c.archibald // { audio = c.archibald.audio // { profile = baseNameOf c.archibald.audio.profile; }; }; }`);
}

test('configuration.nix parses and evaluates to exactly the answers', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const text = renderConfiguration(answers(), '25.11');
  assert.equal(nixParseError(text), null);
  assert.deepEqual(await evalConfiguration(t, text), {
    networking: { hostName: 'studio-1', networkmanager: { enable: { _default: true } } },
    time: { timeZone: 'Europe/Berlin' },
    i18n: { defaultLocale: 'de_DE.UTF-8', extraLocaleSettings: { LC_TIME: 'en_GB.UTF-8' } },
    services: {
      xserver: { xkb: { layout: 'de', variant: 'nodeadkeys' } },
      displayManager: { autoLogin: { enable: true, user: 'alice' } },
    },
    console: { keyMap: 'de' },
    nixpkgs: { config: { allowUnfree: true } },
    boot: { loader: { 'systemd-boot': { enable: true }, efi: { canTouchEfiVariables: true } } },
    archibald: {
      audio: { enable: true, profile: 'profile.json', packages: { enable: true } },
      desktop: { enable: true },
      branding: { enable: true },
      users: { enable: true, name: 'alice' },
    },
    // Quotes and ${HOME} survive as text: the name can never become Nix code.
    users: { users: { alice: { description: 'Alice "Ali" O\'Neil ${HOME}' } } },
    system: { stateVersion: '25.11' },
  });
});

test('configuration.nix for BIOS with an encrypted root and swap beside a plain /boot, no auto-login, no full name', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const uuid = '0b5c1e2a-9f0e-4c55-8a57-1d2e3f4a5b6c';
  const text = renderConfiguration(
    answers({
      hostname: '9lab',
      firmware: 'bios',
      bootDevice: '/dev/sda',
      // GRUB reads the plain /boot; the initrd unlocks root (found by nixos-generate-config) and swap.
      bootPartition: 'plain',
      luks: true,
      luksDevices: [{ name: 'luks-swap', uuid }],
      autoLogin: false,
      fullName: '',
      extraLocaleSettings: {},
      keyboard: { layout: 'us', variant: '', consoleKeymap: null },
    }),
    '25.11',
  );
  assert.equal(nixParseError(text), null);
  const config = (await evalConfiguration(t, text)) as Record<string, Record<string, unknown>>;
  assert.deepEqual(config.boot, {
    loader: { grub: { enable: true, device: '/dev/sda' } },
    initrd: { luks: { devices: { 'luks-swap': { device: `/dev/disk/by-uuid/${uuid}` } } } },
  });
  assert.deepEqual(config.networking?.hostName, '9lab');
  assert.deepEqual(config.console, { useXkbConfig: true });
  assert.equal((config.services as Record<string, unknown>).displayManager, undefined);
  assert.equal(config.users, undefined);
  assert.equal((config.i18n as Record<string, unknown>).extraLocaleSettings, undefined);
});

test('flake.nix pins ArchibaldOS and wires the modules in order (with and without disko)', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const dir = await tempDir(t, 'flake');
  for (const withDisko of [true, false]) {
    const text = renderFlake({ hostname: '9lab', source: SOURCE, withDisko });
    assert.equal(nixParseError(text), null);
    const file = path.join(dir, `flake-${withDisko}.nix`);
    await writeFile(file, text);
    const result = nixEval(`let f = import ${file};
      fake = { nixosModules.default = "archibaldos-default"; inputs.disko.nixosModules.disko = "disko-module";
               inputs.nixpkgs.lib.nixosSystem = args: args; };
      system = (f.outputs { archibaldos = fake; self = null; }).nixosConfigurations."9lab";
    in { inherit (f) description; url = f.inputs.archibaldos.url;
         modules = map (m: if builtins.isPath m then baseNameOf m else m) system.modules;
         otherArgs = builtins.attrNames (removeAttrs system [ "modules" ]); }`);
    assert.deepEqual(result, {
      description: 'ArchibaldOS on 9lab',
      url: `github:archibaldos/archibaldos/${REV}?narHash=sha256-Ti%2BZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q%3D`,
      modules: [
        'archibaldos-default',
        ...(withDisko ? ['disko-module', 'disko.nix'] : []),
        'hardware-configuration.nix',
        'configuration.nix',
      ],
      // The platform comes from hardware-configuration.nix (nixpkgs.hostPlatform), not a hard-coded system.
      otherArgs: [],
    });
  }
});

test('disko layout parses and evaluates to GPT + ESP + ext4 root, LUKS when asked', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const dir = await tempDir(t, 'disko');
  const plainText = renderDiskoLayout({ device: '/dev/disk/by-id/nvme-Samsung_980', luks: false, firmware: 'efi', luksPasswordFile: null });
  const luksText = renderDiskoLayout({ device: '/dev/sdb', luks: true, firmware: 'bios', luksPasswordFile: '/tmp/pass' });
  for (const text of [plainText, luksText]) assert.equal(nixParseError(text), null);
  await writeFile(path.join(dir, 'plain.nix'), plainText);
  await writeFile(path.join(dir, 'luks.nix'), luksText);
  const esp = { size: '1G', type: 'EF00', content: { type: 'filesystem', format: 'vfat', mountpoint: '/boot', mountOptions: ['umask=0077'] } };
  const ext4 = { type: 'filesystem', format: 'ext4', mountpoint: '/' };
  assert.deepEqual(nixEval(`import ${path.join(dir, 'plain.nix')}`), {
    disko: { devices: { disk: { main: { type: 'disk', device: '/dev/disk/by-id/nvme-Samsung_980', content: { type: 'gpt', partitions: { ESP: esp, root: { size: '100%', content: ext4 } } } } } } },
  });
  assert.deepEqual(nixEval(`import ${path.join(dir, 'luks.nix')}`), {
    disko: {
      devices: {
        disk: {
          main: {
            type: 'disk',
            device: '/dev/sdb',
            content: {
              type: 'gpt',
              partitions: {
                boot: { size: '1M', type: 'EF02' },
                ESP: esp,
                root: { size: '100%', content: { type: 'luks', name: 'cryptroot', settings: { allowDiscards: true }, passwordFile: '/tmp/pass', content: ext4 } },
              },
            },
          },
        },
      },
    },
  });
});

test('the hardware stub used by the tests is itself valid Nix', (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  assert.equal(nixParseError(HARDWARE_STUB), null);
});

test('property: nixString round-trips any text through the Nix evaluator', (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  // Nix strings cannot hold NUL; everything else, including ${ and '' and unicode, must survive.
  const texts = fc.sample(
    fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('${x}', '$${x}', "''", '\\${', '"\\"', '\r\n\t', '$')),
    300,
  ).map((s) => s.replaceAll('\0', ''));
  assert.deepEqual(nixEval(`[ ${texts.map(nixString).join(' ')} ]`), texts);
});

test('configuration.nix sets only verified NixOS options and archibald.* options the modules declare', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const dir = await tempDir(t, 'verified');
  // The distribution's manifest (test/nix/eval/nixos-options.json, `<name>` segments) and the
  // options only the installer's configuration.nix sets; "*" is one segment to module-shape.nix.
  const verified = ['test/nix/eval/nixos-options.json', 'test/installer/verified-options.json'].flatMap((file) =>
    (JSON.parse(readFileSync(path.join(REPO, file), 'utf8')) as { options: Array<{ path: string }> }).options.map((o) => o.path.replace(/<[^>]+>/g, '*')),
  );
  const shapeOf = (files: string, field: 'declared' | 'defined'): unknown =>
    nixEval(`(import ${path.join(REPO, 'test/nix/module-shape.nix')} { files = ${files}; stopAt = builtins.fromJSON ''${JSON.stringify(verified)}''; }).${field}`);
  const modules = ['nix/modules/audio', 'nix/modules/users.nix', 'nix/modules/desktop.nix', 'nix/modules/branding.nix'].map((f) => path.join(REPO, f));
  const declared = new Set((shapeOf(`[ ${modules.join(' ')} ]`, 'declared') as Array<{ path: string }>).map((o) => o.path));
  const patterns = verified.map((p) => new RegExp(`^${p.split('.').map((part) => (part === '*' ? '[^.]+' : part.replace(/[-/\\^$+?()|[\]{}]/g, '\\$&'))).join('\\.')}$`));
  const variants = [
    renderConfiguration(answers({ luksDevices: [{ name: 'luks-swap', uuid: '0b5c1e2a-9f0e-4c55-8a57-1d2e3f4a5b6c' }] }), '25.11'),
    renderConfiguration(answers({ firmware: 'bios', bootDevice: '/dev/sda', autoLogin: false, fullName: '', keyboard: { layout: 'us', variant: '', consoleKeymap: null } }), '25.11'),
  ];
  for (const [index, text] of variants.entries()) {
    const file = path.join(dir, `configuration-${index}.nix`);
    await writeFile(file, text);
    const defined = shapeOf(`[ ${file} ]`, 'defined') as string[];
    assert.ok(defined.length > 10, 'the shape reader saw the file');
    const unverified = defined.filter((name) => (name.startsWith('archibald.') ? !declared.has(name) : !patterns.some((p) => p.test(name))));
    assert.deepEqual(unverified, [], `variant ${index}`);
  }
});
