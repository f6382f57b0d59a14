/** Leaf-by-leaf difference of two profiles (pure; the Profile page and the server both use it). */
export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function diffProfiles(before: unknown, after: unknown, prefix = ''): DiffEntry[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffProfiles(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: prefix, before, after }];
}

export const formatValue = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/** Unified-diff-like lines, the way a reviewer reads a change. */
export function diffLines(entries: readonly DiffEntry[]): string[] {
  return entries.flatMap((entry) => [`- ${entry.path}: ${formatValue(entry.before)}`, `+ ${entry.path}: ${formatValue(entry.after)}`]);
}
