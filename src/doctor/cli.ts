import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('audit this machine (or an image under --root) for real-time audio readiness')
    .option('--root <dir>', 'read every file below DIR instead of the live machine; runs no commands')
    .option('--json', 'print one JSON document (version 1) on stdout')
    .option('--only <ids>', 'run only these checks (comma-separated ids)')
    .option('--profile <file>', 'compare against this audio profile instead of the active one')
    .option('--user <name>', 'judge limits and groups for this user (default: you, or SUDO_USER, or the image’s first regular user)')
    .action(async (options: { root?: string; json?: boolean; only?: string; profile?: string; user?: string }) => {
      const { runDoctorCommand } = await import('./command.js');
      process.exitCode = await runDoctorCommand(options);
    });
}
