/**
 * The doctor's flags, declared once: the fast path (main.ts, node:util parseArgs) and the full CLI
 * (cli.ts, commander) both read this table, so the two can never disagree. Plain data, no imports:
 * the fast path loads nothing for it.
 */
export const DOCTOR_OPTIONS = [
  { name: 'root', value: 'dir', help: 'read every file below DIR instead of the live machine; runs no commands' },
  { name: 'json', value: null, help: 'print one JSON document (version 1) on stdout' },
  { name: 'only', value: 'ids', help: 'run only these checks (comma-separated ids)' },
  { name: 'profile', value: 'file', help: 'compare against this audio profile instead of the active one' },
  { name: 'user', value: 'name', help: 'judge limits and groups for this user (default: you, or SUDO_USER, or the image’s first regular user)' },
] as const;



type DoctorOption = (typeof DOCTOR_OPTIONS)[number];
type ParseArgsTable = { [O in DoctorOption as O['name']]: { type: O['value'] extends null ? 'boolean' : 'string' } };

/** The table in node:util parseArgs's form, typed so parsed values keep their flag names. */
export const parseArgsOptions = (): ParseArgsTable =>
  Object.fromEntries(DOCTOR_OPTIONS.map((option) => [option.name, { type: option.value === null ? 'boolean' : 'string' }])) as ParseArgsTable;
