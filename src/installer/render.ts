/**
 * The installed system's /etc/nixos, as text: a flake that follows ArchibaldOS at the ISO's
 * revision, the person's choices, and (for a headless install) the disko layout it was made with.
 * Pure: same answers in, same bytes out, so the dry-run plan can be compared exactly.
 */
import type { Answers, SourcePin } from './answers.js';
import { pinnedFlakeUrl } from './answers.js';
import { nixAttr, nixString, raw, toNix, type NixValue } from './nix.js';

export interface LayoutChoices {
  /** The whole disk to partition, as given (/dev/sda, /dev/disk/by-id/…). */
  device: string;
  luks: boolean;
  firmware: 'efi' | 'bios';
  /** Read once by disko while formatting (cryptsetup luksFormat); never copied into the store. */
  luksPasswordFile: string | null;
}

export const ESP_SIZE = '1G';
export const LUKS_NAME = 'cryptroot';

export function renderDiskoLayout(choices: LayoutChoices): string {
  const rootFs: NixValue = { type: 'filesystem', format: 'ext4', mountpoint: '/' };
  const partitions: Record<string, NixValue> = {};
  // A 1 MiB BIOS boot partition costs nothing and lets GRUB embed itself on non-UEFI machines.
  if (choices.firmware === 'bios') partitions.boot = { size: '1M', type: 'EF02' };
  partitions.ESP = {
    size: ESP_SIZE,
    type: 'EF00',
    content: { type: 'filesystem', format: 'vfat', mountpoint: '/boot', mountOptions: ['umask=0077'] },
  };
  partitions.root = {
    size: '100%',
    content: choices.luks
      ? {
          type: 'luks',
          name: LUKS_NAME,
          settings: { allowDiscards: true },
          ...(choices.luksPasswordFile === null ? {} : { passwordFile: choices.luksPasswordFile }),
          content: rootFs,
        }
      : rootFs,
  };
  const layout = {
    disko: { devices: { disk: { main: { type: 'disk', device: choices.device, content: { type: 'gpt', partitions } } } } },
  };
  return [
    '# Disk layout for disko (github:nix-community/disko), written by `archibald install`.',
    '# GPT: EFI system partition on /boot, ext4 root' + (choices.luks ? ' inside LUKS2' : '') + '.',
    '# flake.nix imports it too, so the installed system mounts exactly what disko created.',
    `${toNix(layout)}\n`,
  ].join('\n');
}

export interface FlakeChoices {
  hostname: string;
  source: SourcePin;
  /** Headless installs partition with disko and keep the layout as the system's fileSystems. */
  withDisko: boolean;
}

export function renderFlake(choices: FlakeChoices): string {
  const modules = [
    '          archibaldos.nixosModules.default',
    ...(choices.withDisko ? ['          archibaldos.inputs.disko.nixosModules.disko', '          ./disko.nix'] : []),
    '          ./hardware-configuration.nix',
    '          ./configuration.nix',
  ];
  return `# This machine's ArchibaldOS flake, written by \`archibald install\`.
# Change configuration.nix or profile.json, then: sudo nixos-rebuild switch --flake /etc/nixos#${choices.hostname}
# Update ArchibaldOS (and the nixpkgs it pins): sudo nix flake update --flake /etc/nixos
{
  description = ${nixString(`ArchibaldOS on ${choices.hostname}`)};

  # Pinned to the revision of the installer this system was installed from (${choices.source.rev.slice(0, 12)}).
  inputs.archibaldos.url = ${nixString(pinnedFlakeUrl(choices.source))};

  outputs =
    { archibaldos, ... }:
    {
      # nixpkgs, musnix and disko come from ArchibaldOS's own lock file, so the versions match the ISO.
      nixosConfigurations.${nixAttr(choices.hostname)} = archibaldos.inputs.nixpkgs.lib.nixosSystem {
        modules = [
${modules.join('\n')}
        ];
      };
    };
}
`;
}

export interface ConfigurationChoices {
  /**
   * disko's layout declares the disk (its EF02 partition sets boot.loader.grub.devices), so GRUB's
   * `device` must stay unset: grub.nix adds `device` to `devices`, and the same disk twice fails
   * its "duplicated devices in mirroredBoots" assertion.
   */
  grubDiskFromDisko: boolean;
}

/** The person's choices as NixOS options. Hardware and file systems live in their own files. */
export function renderConfiguration(answers: Answers, stateVersion: string, choices: ConfigurationChoices = { grubDiskFromDisko: false }): string {
  const lines: string[] = [];
  const add = (comment: string | null, ...bindings: string[]): void => {
    if (lines.length > 0) lines.push('');
    if (comment !== null) lines.push(`  # ${comment}`);
    for (const binding of bindings) lines.push(`  ${binding}`);
  };
  const set = (path: string, value: NixValue): string => `${path} = ${toNix(value, '  ')};`;

  add('The machine.', set('networking.hostName', answers.hostname), set('networking.networkmanager.enable', raw('lib.mkDefault true')));
  add('Time, language and keyboard.', set('time.timeZone', answers.timezone), set('i18n.defaultLocale', answers.locale));
  if (Object.keys(answers.extraLocaleSettings).length > 0) lines.push(`  ${set('i18n.extraLocaleSettings', sortedRecord(answers.extraLocaleSettings))}`);
  lines.push(`  ${set('services.xserver.xkb', { layout: answers.keyboard.layout, variant: answers.keyboard.variant })}`);
  // Without a console keymap of its own, the text console follows the XKB layout.
  lines.push(`  ${answers.keyboard.consoleKeymap === null ? set('console.useXkbConfig', true) : set('console.keyMap', answers.keyboard.consoleKeymap)}`);

  if (answers.firmware === 'efi') {
    add('Boot loader (UEFI).', set('boot.loader.systemd-boot.enable', true), set('boot.loader.efi.canTouchEfiVariables', true));
  } else if (choices.grubDiskFromDisko) {
    add('Boot loader (BIOS): GRUB on the disk disko.nix lays out (its BIOS boot partition names it).', set('boot.loader.grub.enable', true));
  } else {
    add('Boot loader (BIOS).', set('boot.loader.grub', { enable: true, device: answers.bootDevice ?? 'nodev' }));
  }
  if (answers.grubCryptodisk !== null) {
    const { keyFile, devices } = answers.grubCryptodisk;
    add(
      '/boot is encrypted: GRUB unlocks it with the passphrase; the initrd then uses the key file the installer enrolled, so it is asked once.',
      set('boot.loader.grub.enableCryptodisk', true),
      set('boot.initrd.secrets', { [keyFile]: null }),
      ...devices.map((name) => set(`boot.initrd.luks.devices.${nixAttr(name)}.keyFile`, keyFile)),
    );
  }
  if (answers.luksDevices.length > 0) {
    add(
      'Encrypted partitions unlocked at boot (the root device is found by the hardware configuration).',
      ...answers.luksDevices.map((device) => set(`boot.initrd.luks.devices.${nixAttr(device.name)}.device`, `/dev/disk/by-uuid/${device.uuid}`)),
    );
  }

  add(
    'ArchibaldOS: real-time audio tuned by the profile next to this file (`archibald profile set` edits it).',
    set('archibald.audio.enable', true),
    set('archibald.audio.profile', raw('./profile.json')),
    set('archibald.audio.packages.enable', true),
    set('archibald.desktop.enable', true),
    set('archibald.branding.enable', true),
  );
  add('Some plugins and firmware are unfree; the ArchibaldOS ISO allows them too.', set('nixpkgs.config.allowUnfree', true));
  add(
    'The audio user: groups audio, pipewire, video and wheel come from archibald.users.',
    set('archibald.users', { enable: true, name: answers.username }),
    ...(answers.fullName === '' ? [] : [set(`users.users.${nixAttr(answers.username)}.description`, answers.fullName)]),
  );
  if (answers.autoLogin) {
    add(null, set('services.displayManager.autoLogin', { enable: true, user: answers.username }));
  }
  add(
    'The NixOS release this system was first installed with; leave it as it is (see `man configuration.nix`).',
    set('system.stateVersion', stateVersion),
  );

  return `# ${answers.hostname}: the choices made while installing ArchibaldOS. Edit freely, then
#   sudo nixos-rebuild switch --flake /etc/nixos#${answers.hostname}
{ lib, ... }:
{
${lines.join('\n')}
}
`;
}

function sortedRecord(record: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
