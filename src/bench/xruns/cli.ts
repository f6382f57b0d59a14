import type { Command } from 'commander';

export function registerBenchXruns(bench: Command): void {
  bench
    .command('xruns')
    .description('watch the running PipeWire graph (or jackd) and report cycles, xruns and when they happened')
    .option('--duration <s>', 'seconds to watch (default 60)')
    .option('--backend <name>', 'pipewire (profiler of the running daemon) or jack (xrun callback of the running jackd)', 'pipewire')
    .option('--target-percent <p>', 'pass when xruns are below this percentage of cycles (default 1)')
    .option('--out <dir>', 'also write bench-xruns.html (xrun timeline, DSP load) and bench-xruns.json into DIR')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-forensics', 'do not sample the machine to explain each xrun (suspects, evidence, the fix)')
    .option('--progress <format>', 'ndjson: one {"elapsedS","durationS","xruns"} line per second on stderr')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchXrunsCommand } = await import('./command.js');
      process.exitCode = await runBenchXrunsCommand(options);
    });
}
