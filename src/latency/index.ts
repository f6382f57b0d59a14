/** The latency capability's public surface: the budget model and the command. */
export * from './model.js';
export { runLatencyCommand } from './command.js';
