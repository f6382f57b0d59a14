/** The report's public surface: the command that gathers and renders the system report. */
export { runReportCommand, type ReportOptions } from './command.js';
