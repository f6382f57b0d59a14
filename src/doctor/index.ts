/** The doctor's public surface: the in-process run and the report's contract. */
export { doctorReport, runDoctorCommand, selectChecks, type DoctorOptions } from './command.js';
export { runGroupedDoctor, type GroupedDoctor } from './grouped.js';
export type { DoctorReport } from './schema.js';
export { GROUPS, type Group, type Status } from './types.js';
