/** The bench documents as the report and the console's pages read them; pure and browser-safe. */
export * from './chart-data.js';
export type { BenchRtReport } from './rt/report.js';
export type { BenchXrunsReport } from './xruns/report.js';
