/**
 * BIOS boot with an encrypted root, both ways NixOS supports it: GRUB reading a plain /boot while
 * the initrd unlocks the root (headless: disko's layout; Calamares: manual partitioning), and GRUB
 * cryptodisk when /boot itself is encrypted (Calamares' "Erase disk" + "Encrypt system" on BIOS).
 * The headless layout is evaluated with disko's own types (nixpkgs' lib is enough for those).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needCondition, needTools } from '../helpers/tools.js';
import { planHeadless } from '../../src/installer/plan.js';
import { renderConfiguration } from '../../src/installer/render.js';
import { REPO, SOURCE, diskoLib, nixEvalJson as nixEval, nixParseError, nixpkgsLib, tempDir, validAnswers as answers } from './helpers.js';

/** configuration.nix's boot settings, evaluated (lib.mkDefault is the only lib function it uses). */
async function bootOf(t: Parameters<typeof tempDir>[0], text: string): Promise<unknown> {
  const file = path.join(await tempDir(t, 'bios'), 'configuration.nix');
  await writeFile(file, text);
  return nixEval(`(import ${file} { lib = { mkDefault = v: v; }; }).boot`);
}

test('BIOS, /boot inside the encrypted root: GRUB cryptodisk, the key file in the initrd for every encrypted device', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const text = renderConfiguration(
    answers({
      firmware: 'bios',
      bootDevice: '/dev/sda',
      luks: true,
      bootPartition: 'none',
      grubCryptodisk: { keyFile: '/boot/crypto_keyfile.bin', devices: ['luks-1111', 'luks-swap'] },
      luksDevices: [{ name: 'luks-swap', uuid: '22222222-3333-4444-5555-666666666666' }],
    }),
    '25.11',
  );
  assert.equal(nixParseError(text), null);
  assert.deepEqual(await bootOf(t, text), {
    loader: { grub: { enable: true, device: '/dev/sda', enableCryptodisk: true } },
    initrd: {
      // null: the file is copied from the installed system's own /boot when the boot loader is installed.
      secrets: { '/boot/crypto_keyfile.bin': null },
      luks: {
        devices: {
          'luks-1111': { keyFile: '/boot/crypto_keyfile.bin' },
          'luks-swap': { device: '/dev/disk/by-uuid/22222222-3333-4444-5555-666666666666', keyFile: '/boot/crypto_keyfile.bin' },
        },
      },
    },
  });
});

test('headless BIOS + LUKS: disko keeps /boot plain and unlocks the root in the initrd; GRUB goes on the disk once', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const lib = await nixpkgsLib(t);
  if (!needCondition(t, lib !== null, 'nixpkgs lib not available (set ARCHIBALD_NIXPKGS_LIB to a nixpkgs lib/ directory)')) return;
  const disko = await diskoLib(t);
  if (!needCondition(t, disko !== null, 'disko not available (set ARCHIBALD_DISKO_LIB to a disko lib/ directory)')) return;

  const plan = planHeadless({
    answers: answers({ firmware: 'bios', bootDevice: '/dev/sda', luks: true, bootPartition: 'plain' }),
    source: SOURCE,
    profileText: readFileSync(path.join(REPO, 'profiles/default.json'), 'utf8'),
    stateVersion: '25.11',
    disk: '/dev/sda',
    mountPoint: '/mnt',
    workDir: '/tmp/archibald-install',
    luksPasswordFile: '/root/luks.pass',
    setPassword: false,
  });
  const tree = plan.steps.find((step) => step.step === 'tree');
  assert.ok(tree !== undefined && tree.step === 'tree');
  const file = (name: string): string => {
    const content = tree.files.find((f) => f.name === name)?.content;
    assert.ok(typeof content === 'string', name);
    return content;
  };
  const dir = await tempDir(t, 'bios-disko');
  await writeFile(path.join(dir, 'disko.nix'), file('disko.nix'));
  await writeFile(path.join(dir, 'configuration.nix'), file('configuration.nix'));

  // What disko's module turns the layout into, by disko's own types, and what configuration.nix adds.
  const result = nixEval(`let
      lib = import ${lib};
      diskoLib = import ${disko} { inherit lib; makeTest = null; eval-config = null; qemu-common = null; };
      layout = lib.evalModules { modules = [ { options.disko.devices = lib.mkOption { type = diskoLib.toplevel; }; } (import ${dir}/disko.nix) ]; };
      # The options involved, typed as nixos/modules/system/boot/loader/grub/grub.nix declares them.
      inherit (lib) mkOption types;
      options.boot = {
        loader.grub = {
          enable = mkOption { type = types.bool; default = false; };
          device = mkOption { type = types.str; default = ""; };
          devices = mkOption { type = types.listOf types.str; default = [ ]; };
          enableCryptodisk = mkOption { type = types.bool; default = false; };
        };
        initrd.luks.devices = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
      };
      boot = (lib.evalModules { modules = [
        { inherit options; }
        { boot = layout.config.disko.devices._config.boot; }
        { boot = (import ${dir}/configuration.nix { inherit lib; }).boot; }
      ]; }).config.boot;
      grub = boot.loader.grub;
    in {
      # grub.nix: devices = optional (device != "") device, merged with the list disko sets; the same
      # disk twice fails its "You cannot have duplicated devices in mirroredBoots" assertion.
      grubDisks = (lib.optional (grub.device != "") grub.device) ++ grub.devices;
      grubEnabled = grub.enable;
      cryptodisk = grub.enableCryptodisk;
      initrdLuks = builtins.attrNames boot.initrd.luks.devices;
    }`) as { grubDisks: string[]; grubEnabled: boolean; cryptodisk: boolean; initrdLuks: string[] };
  assert.deepEqual(result.grubDisks, ['/dev/sda'], 'GRUB is installed on the disk exactly once');
  assert.equal(result.grubEnabled, true);
  assert.equal(result.cryptodisk, false, 'GRUB reads the plain /boot; only the initrd unlocks');
  assert.deepEqual(result.initrdLuks, ['cryptroot'], 'the initrd unlocks the root disko encrypted');
  assert.match(file('disko.nix'), /boot = \{\n\s+size = "1M";\n\s+type = "EF02";/, 'a BIOS boot partition for GRUB');
  assert.match(file('disko.nix'), /mountpoint = "\/boot";/, '/boot is its own (unencrypted) partition');
});
