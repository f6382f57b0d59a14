import type { Command } from 'commander';

export function registerProfile(program: Command): void {
  const profile = program.command('profile').description('show, validate and edit the declarative audio profile');
  profile
    .command('show')
    .option('--file <file>', 'profile file (default: the active profile)')
    .option('--json', 'print the profile as JSON')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runProfileCommand } = await import('./command.js');
      process.exitCode = await runProfileCommand('show', [], options);
    });
  profile
    .command('validate [file]')
    .option('--json', 'print the result as JSON')
    .action(async (file: string | undefined, options: Record<string, string | boolean | undefined>) => {
      const { runProfileCommand } = await import('./command.js');
      process.exitCode = await runProfileCommand('validate', file === undefined ? [] : [file], options);
    });
  profile
    .command('set <key> <value>')
    .option('--file <file>', 'profile file (default: the active profile)')
    .action(async (key: string, value: string, options: Record<string, string | boolean | undefined>) => {
      const { runProfileCommand } = await import('./command.js');
      process.exitCode = await runProfileCommand('set', [key, value], options);
    });
  program
    .command('apply')
    .description('rebuild the system from the profile (NixOS), or set what can change live')
    .option('--dry-run', 'print what would happen and change nothing')
    .option('--live', 'apply the PipeWire clock settings to the running daemon now')
    .option('--flake <dir>', 'the system flake directory', '/etc/nixos')
    .option('--file <file>', 'profile file (default: the active profile)')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runApplyCommand } = await import('./command.js');
      process.exitCode = await runApplyCommand(options);
    });
}
