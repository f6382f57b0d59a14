/** The benches' public surface: their contracts, their page descriptions, the live graph monitor and the plumbing tune shares. */
export * from './contract.js';
export { pageSpec as benchRtPageSpec } from './rt/report.js';
export { pageSpec as benchXrunsPageSpec } from './xruns/report.js';
export type { SessionTotals } from './xruns/analysis.js';
export { startGraphMonitor, type GraphMonitor, type GraphMonitorOptions, type GraphSample } from './xruns/monitor.js';
export { listenForStop, printResult, startProgress, writeOutDir, type ProgressOutput } from './plumbing/index.js';
