/** The profile's public surface: its contract plus loading a profile from disk. */
export * from './contract.js';
export { bundledProfilesDir, checkProfile, defaultProfilePath, loadProfile, parseProfile, type ProfileResult } from './load.js';
export { writeProfileValues } from './write-values.js';
export { detectNixos } from './apply/carry-out.js';
