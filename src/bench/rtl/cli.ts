import type { Command } from 'commander';

type Options = Record<string, string | boolean | undefined>;

export function registerBenchRtl(bench: Command): void {
  const rtl = bench
    .command('rtl')
    .description('round-trip latency: play a stimulus through a loop (JACK or PipeWire), record it, find the delay')
    .option('--backend <name>', 'jack or pipewire', 'jack')
    .option('--compare', 'also run jack_iodelay on the same JACK loop and show both')
    .option('--self-loop', "software loop: the client's output feeds its own input (JACK) / a sink's monitor (PipeWire)")
    .option('--playback <port>', 'JACK port (or PipeWire sink node name) the stimulus is played to (default: first physical playback port)')
    .option('--capture <port>', 'JACK port (or PipeWire source node name) recorded (default: first physical capture port)')
    .option('--quantum <frames>', 'PipeWire: node.latency of the player and recorder (default: the configured clock.quantum)')
    .option('--stimulus-kind <kind>', 'noise, mls or sweep', 'noise')
    .option('--duration <s>', 'stimulus length in seconds', '1')
    .option('--level <dBFS>', 'stimulus peak level', '-12')
    .option('--out <dir>', 'write an HTML report (correlation peak plot) and the JSON into DIR')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Options) => {
      const { runBenchRtlCommand } = await import('./command.js');
      process.exitCode = await runBenchRtlCommand(options);
    });
  rtl
    .command('analyze')
    .description('find the delay of a stimulus WAV in a recorded WAV (GCC-PHAT, sub-frame)')
    .requiredOption('--stimulus <file>', 'the WAV that was played')
    .requiredOption('--recording <file>', 'the WAV that was recorded')
    .option('--channel <n>', 'recording channel to analyse, from 1 (default: the most confident)')
    .option('--stimulus-channel <n>', 'stimulus channel, from 1', '1')
    .option('--out <dir>', 'write an HTML report (correlation peak plot) and the JSON into DIR')
    .option('--json', 'print one JSON document on stdout')
    .action(async (_options: Options, command: Command) => {
      const { runBenchRtlAnalyzeCommand } = await import('./command.js');
      // `--json`/`--out` after `analyze` are claimed by `rtl` (same names), so read both levels.
      process.exitCode = await runBenchRtlAnalyzeCommand(command.optsWithGlobals<Options>());
    });
}
