import type { Command } from 'commander';
import type { DoctorOptions } from './command.js';
import { DOCTOR_OPTIONS } from './options.js';

export function registerDoctor(program: Command): void {
  const command = program.command('doctor').description('audit this machine (or an image under --root) for real-time audio readiness');
  for (const option of DOCTOR_OPTIONS) command.option(option.value === null ? `--${option.name}` : `--${option.name} <${option.value}>`, option.help);
  command.action(async (options: DoctorOptions) => {
    const { runDoctorCommand } = await import('./command.js');
    process.exitCode = await runDoctorCommand(options);
  });
}
