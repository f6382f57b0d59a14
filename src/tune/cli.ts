import type { Command } from 'commander';

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('find the smallest quantum the running PipeWire graph (or jackd) holds without xruns; always restores the clock')
    .option('--from <n>', "starting (safe) quantum, a power of two (default: the profile's maxQuantum)")
    .option('--to <n>', 'smallest quantum to try (default 16)')
    .option('--hold <s>', 'seconds to hold each step (default 60)')
    .option('--load <level>', 'none, half or full: stress-ng on every CPU while holding, as bench rt', 'none')
    .option('--load-priority <n>', 'run the stress-ng load at SCHED_FIFO N (a real-time competitor)')
    .option('--dsp <percent>', 'add a real-time client that burns this share of every cycle (default 0)')
    .option('--target-percent <p>', 'a step holds below this share of xrun cycles, with none in its last quarter (default 0.1)')
    .option('--backend <name>', 'pipewire (clock.force-quantum) or jack (jackd period via jack_bufsize)', 'pipewire')
    .option('--write', 'put the safe quantum in the profile (pipewire.quantum, minQuantum where needed)')
    .option('--file <path>', 'the profile to read and, with --write, to write')
    .option('--out <dir>', 'also write tune.html and tune.json into DIR')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-forensics', 'do not sample the machine to explain each step’s xruns')
    .option('--progress <format>', 'ndjson: one progress line per second on stderr')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runTuneCommand } = await import('./command.js');
      process.exitCode = await runTuneCommand(options);
    });
}
