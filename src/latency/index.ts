/** The latency capability's public surface: the budget model, its document's contract and the command. */
export * from './model.js';
export * from './contract.js';
export { latencyReport, runLatencyCommand } from './command.js';
