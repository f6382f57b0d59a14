/** The installer's public surface: the install and finalize commands. */
export { runFinalizeCommand, runInstallCommand } from './command.js';
