/** The plumbing every long measurement shares (bench rt, xruns, rtl and tune): progress, where results go, Ctrl-C. */
export { startProgress, type BarFrame, type ProgressMode, type ProgressOutput, type ProgressSpec } from './progress.js';
export { fractionDone, parseProgressLine, progressRecordSchema, tenths, type ProgressRecord } from './progress-record.js';
export { printResult, writeOutDir, writeReportFiles } from './out-dir.js';
export { listenForStop, STOP_SIGNALS, type StopRequests } from './stop-signals.js';
