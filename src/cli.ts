/**
 * The command line. Each capability declares its commands in its own small `cli.ts` (options only,
 * no heavy imports); the action imports the capability's code on demand, so `archibald doctor`
 * never loads the console's server or the bench's FFT.
 */
import { Command, CommanderError } from 'commander';
import { reportError } from './errors.js';
import { endQuietlyOnClosedPipe } from './output.js';
import { registerDoctor } from './doctor/cli.js';
import { registerProfile } from './profile/cli.js';
import { registerApply } from './profile/apply/cli.js';
import { registerLatency } from './latency/cli.js';
import { registerBench } from './bench/cli.js';
import { registerConsole } from './console/cli.js';
import { registerReport } from './report/cli.js';
import { registerInstaller } from './installer/cli.js';
import { registerTune } from './tune/cli.js';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('archibald')
    .description('ArchibaldOS toolkit: real-time audio readiness, latency measurement and the audio profile')
    .version(VERSION)
    .option('--debug', 'show stack traces for internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`archibald: ${text.replace(/^error: /, '')}`),
    });
  registerDoctor(program);
  registerLatency(program);
  registerProfile(program);
  registerApply(program);
  registerBench(program);
  registerTune(program);
  registerConsole(program);
  registerReport(program);
  registerInstaller(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = buildProgram();
    await program.parseAsync([...argv], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed what they had to.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error, debug);
  }
}

endQuietlyOnClosedPipe();

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
