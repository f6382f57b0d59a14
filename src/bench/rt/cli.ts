import type { Command } from 'commander';

export function registerBenchRt(bench: Command): void {
  bench
    .command('rt')
    .description('(not implemented yet)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchRtCommand } = await import('./command.js');
      process.exitCode = await runBenchRtCommand(options);
    });
}
