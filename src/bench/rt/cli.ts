import type { Command } from 'commander';

export function registerBenchRt(bench: Command): void {
  bench
    .command('rt')
    .description('scheduling latency: cyclictest (SCHED_FIFO, one thread per CPU) with an optional stress-ng load')
    .option('--duration <s>', 'seconds to measure (default 60)')
    .option('--load <kind>', 'none, half (stress-ng --cpu-load 50 on every CPU) or full (100 % on every CPU)', 'none')
    .option('--target-max-us <us>', 'pass when the worst latency is at most this (default 50)')
    .option('--interval-us <us>', 'wake-up interval of each measurement thread (default 200)')
    .option('--priority <n>', 'SCHED_FIFO priority of the measurement threads (default 95)')
    .option('--histogram-us <us>', 'histogram limit in 1 µs buckets; slower samples are counted as overflows (default 2000)')
    .option('--out <dir>', 'also write bench-rt.html (histogram plot) and bench-rt.json into DIR')
    .option('--json', 'print one JSON document on stdout')
    .option('--progress <format>', 'ndjson: one {"elapsedS","durationS","maxUs"} line per second on stderr')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runBenchRtCommand } = await import('./command.js');
      process.exitCode = await runBenchRtCommand(options);
    });
}
