/** The latency document's contract, pure and browser-safe: the schema of `archibald latency --json`. */
export * from './schema.js';
