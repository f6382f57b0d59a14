/** The tune capability's public surface: its document contract, and running it. */
export * from './contract.js';
export { runTuneCommand } from './command.js';
export type { StepObserver } from './run.js';
