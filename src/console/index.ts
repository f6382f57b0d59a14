/** The console's public surface: running the CLI as a child and reading its JSON output. */
export { archibaldBin, cliRunner, type CliRunner } from './cli-runner.js';
export { parseJsonDocument } from './progress.js';
