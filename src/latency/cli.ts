import type { Command } from 'commander';

export function registerLatency(program: Command): void {
  program
    .command('latency')
    .description('the round-trip latency budget of the audio profile, stage by stage')
    .option('--rate <hz>', 'sample rate (default: the profile)')
    .option('--quantum <frames>', 'PipeWire quantum (default: the profile)')
    .option('--periods <n>', 'ALSA periods (default: the profile)')
    .option('--device <type>', 'usb or pci (default: the profile)')
    .option('--usb-speed <speed>', 'high (USB 2.0, 125 µs microframes) or full (1 ms frames)', 'high')
    .option('--engine <engine>', 'pipewire (with pipewire-jack) or jackd, for comparison', 'pipewire')
    .option('--plugin-frames <n>', 'latency the plugins in the path report, in frames', '0')
    .option('--measured <file>', 'a `bench rtl --json` result to compare with the model')
    .option('--file <profile>', 'profile file (default: the active profile)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runLatencyCommand } = await import('./command.js');
      process.exitCode = await runLatencyCommand(options);
    });
}
