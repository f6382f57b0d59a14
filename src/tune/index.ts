/** The tune capability's public surface: its document contract and its page. */
export * from './contract.js';
export { pageSpec as tunePageSpec } from './report.js';
