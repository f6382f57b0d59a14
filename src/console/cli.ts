import type { Command } from 'commander';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('serve the local web console (prints its URL with a one-time token)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '7373')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runConsoleCommand } = await import('./command.js');
      process.exitCode = await runConsoleCommand(options);
    });
}
