/** The tune capability's public surface: its document contract, its page, and the forensics seam. */
export * from './contract.js';
export { pageSpec as tunePageSpec } from './report.js';
export type { StepObserver } from './run.js';
