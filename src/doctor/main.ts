/**
 * The doctor's own entry (dist/doctor.js), used by bin/archibald.js for `archibald doctor …`:
 * the audit is the command people run most and the one with a start-up budget, so it skips
 * loading commander and registering every other command. Anything it does not recognise
 * (--help, a typo) goes to the full CLI, so messages and help stay exactly the same.
 */
import { parseArgs } from 'node:util';
import { reportError } from '../errors.js';
import { endQuietlyOnClosedPipe } from '../output.js';
import { parseArgsOptions } from './options.js';

const args = process.argv.slice(3);
let parsed: ReturnType<typeof parse> | undefined;

function parse() {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      ...parseArgsOptions(),
      debug: { type: 'boolean' },
    },
  });
}

try {
  parsed = parse();
} catch {
  parsed = undefined;
}

if (parsed === undefined) {
  await import('../cli.js');
} else {
  endQuietlyOnClosedPipe();
  const { debug, ...options } = parsed.values;
  try {
    const { runDoctorCommand } = await import('./command.js');
    process.exitCode = await runDoctorCommand(options);
  } catch (error) {
    process.exitCode = reportError(error, debug === true);
  }
}
