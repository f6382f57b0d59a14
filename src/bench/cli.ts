import type { Command } from 'commander';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('measure scheduling latency, round-trip latency and xruns');
  bench
    .command('rt')
    .description('cyclictest on every CPU')
    .option('--duration <s>', 'seconds to measure', '30')
    .option('--load <level>', 'none, half or full (stress-ng on the other cores)', 'none')
    .option('--target-max-us <us>', 'verdict threshold for the worst-case latency', '50')
    .option('--out <dir>', 'also write an HTML report with plots into DIR')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchCommand } = await import('./command.js');
      process.exitCode = await runBenchCommand('rt', options);
    });
}
