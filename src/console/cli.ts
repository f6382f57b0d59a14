import type { Command } from 'commander';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('serve the local web console (prints its URL with a one-time token)')
    .option('--host <host>', 'address to bind (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '7373')
    .option('--no-open', 'do not open a browser')
    .option('--allow-remote', 'allow a non-loopback --host (plain HTTP: prefer an SSH tunnel)')
    .action(async (options: { host?: string; port?: string; open?: boolean; allowRemote?: boolean }) => {
      const { runConsoleCommand } = await import('./command.js');
      process.exitCode = await runConsoleCommand(options);
    });
}
