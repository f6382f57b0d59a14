import type { Command } from 'commander';

type Options = Record<string, string | boolean | undefined>;

/** `archibald apply`: options only; the action loads apply/command.ts on demand. */
export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('rebuild the system from the profile (NixOS), or set what can change live')
    .option('--dry-run', 'print what would happen and change nothing')
    .option('--live', 'apply the PipeWire clock settings to the running daemon now')
    .option('--flake <dir>', 'the system flake directory', '/etc/nixos')
    .option('--host <name>', 'the flake host (nixosConfigurations.<name>; default: this hostname)')
    .option('--file <file>', 'profile file (default: the active profile)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Options) => {
      const { runApplyCommand } = await import('./command.js');
      process.exitCode = await runApplyCommand(options);
    });
}
