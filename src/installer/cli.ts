import type { Command } from 'commander';

export function registerInstaller(program: Command): void {
  const install = program
    .command('install')
    .description('install ArchibaldOS onto a disk without a screen (disko + nixos-install --flake)')
    .option('--disk <device>', 'target block device, e.g. /dev/nvme0n1')
    .option('--dry-run', 'print every file and command, touch nothing')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runInstallCommand } = await import('./command.js');
      process.exitCode = await runInstallCommand(options);
    });
  void install;
}
