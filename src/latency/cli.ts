import type { Command } from 'commander';

export function registerLatency(program: Command): void {
  program
    .command('latency')
    .description('the round-trip latency budget of the audio profile, stage by stage')
    .option('--rate <hz>', 'sample rate (default: the profile)')
    .option('--quantum <frames>', 'PipeWire quantum (default: the profile)')
    .option('--periods <n>', 'ALSA periods (default: the profile)')
    .option('--device <type>', 'usb or pci (default: the profile)')
    .option('--measured <file>', 'a `bench rtl --json` result to compare with the model')
    .option('--file <profile>', 'profile file (default: the active profile)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const { runLatencyCommand } = await import('./command.js');
      process.exitCode = await runLatencyCommand(options);
    });
}
