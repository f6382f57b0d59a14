import type { Command } from 'commander';

export function registerBenchRtl(bench: Command): void {
  bench
    .command('rtl')
    .description('(not implemented yet)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchRtlCommand } = await import('./command.js');
      process.exitCode = await runBenchRtlCommand(options);
    });
}
