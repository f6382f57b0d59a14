/**
 * The profile document's contract, pure and browser-safe (the console's pages bundle it): the
 * schema, the dotted-key editor and diff, and the one-line messages for schema issues.
 */
export * from './schema.js';
export { diffProfiles, parseValueText, renderProfile, setAtKey, type Difference, type Json } from './edit.js';
export { dotted, formatIssue, formatProfileIssues, oneLine } from './messages.js';
