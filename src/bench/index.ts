/** The benches' public surface: their contracts, their page descriptions and the live graph monitor. */
export * from './contract.js';
export { pageSpec as benchRtPageSpec } from './rt/report.js';
export { pageSpec as benchXrunsPageSpec } from './xruns/report.js';
export type { SessionTotals } from './xruns/analysis.js';
export { startGraphMonitor, type GraphMonitor, type GraphMonitorOptions, type GraphSample } from './xruns/monitor.js';
