import type { Command } from 'commander';

export function registerBenchXruns(bench: Command): void {
  bench
    .command('xruns')
    .description('(not implemented yet)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchXrunsCommand } = await import('./command.js');
      process.exitCode = await runBenchXrunsCommand(options);
    });
}
