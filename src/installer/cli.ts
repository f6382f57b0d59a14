import type { Command } from 'commander';

type Options = Record<string, string | boolean | undefined>;

export function registerInstaller(program: Command): void {
  const install = program
    .command('install')
    .description('install ArchibaldOS onto a whole disk without a screen (disko + nixos-install --flake)')
    .option('--disk <device>', 'the whole disk to erase, e.g. /dev/nvme0n1')
    .option('--luks', 'encrypt the root file system (LUKS2)')
    .option('--luks-passphrase-file <file>', 'file holding the LUKS passphrase (read once by disko)')
    .option('--hostname <name>', 'host name, also the flake attribute', 'archibaldos')
    .option('--user <name>', 'the audio user', 'audio-user')
    .option('--full-name <text>', "the user's full name", '')
    .option('--password-file <file>', "set the user's password from the first line of this file")
    .option('--profile <name>', 'audio profile from profiles/<name>.json', 'default')
    .option('--locale <locale>', 'i18n.defaultLocale', 'en_US.UTF-8')
    .option('--timezone <zone>', 'time.timeZone', 'UTC')
    .option('--keyboard <layout>', 'XKB keyboard layout (the text console follows it)', 'us')
    .option('--firmware <kind>', 'efi or bios (default: what this machine booted with)')
    .option('--source <url@rev>', 'ArchibaldOS flake to follow (default: the ISO pin in /etc/archibald/source.json)')
    .option('--source-file <file>', 'source pin file', '/etc/archibald/source.json')
    .option('--state-version <release>', 'system.stateVersion (default: from nixos-version)')
    .option('--mount-point <dir>', 'where disko mounts the new system', '/mnt')
    .option('--work-dir <dir>', 'where the disko layout is written before partitioning', '/tmp/archibald-install')
    .option('--list-profiles', 'list the audio profiles an install can use, with their modelled round trip, and exit')
    .option('--calamares-page', 'with --list-profiles: print the Calamares profile page (packagechooser config) instead')
    .option('--dry-run', 'print every file and command, touch nothing')
    .option('--yes', 'do not ask before erasing the disk')
    .option('--json', 'print the plan (and the result) as one JSON document')
    .action(async (options: Options) => {
      const { runInstallCommand } = await import('./command.js');
      process.exitCode = await runInstallCommand(options);
    });
  // Options shared with install (--source, --source-file, --state-version, --dry-run, --json) are
  // declared once on install: commander hands every option the program does not know to install,
  // even when written after `finalize`, so finalize reads them through optsWithGlobals().
  install
    .command('finalize')
    .description('write the ArchibaldOS flake into a mounted target and install it (used by Calamares)')
    .requiredOption('--root <dir>', 'the mounted target system')
    .requiredOption('--answers <file>', 'the answers JSON (see docs/installer.md)')
    .option('--hardware-config <file>', 'use this hardware-configuration.nix instead of running nixos-generate-config')
    .option('--no-install', 'write /etc/nixos only, do not run nixos-install')
    .action(async (_options: Options, command: Command) => {
      const { runFinalizeCommand } = await import('./command.js');
      process.exitCode = await runFinalizeCommand(command.optsWithGlobals<Options>());
    });
}
