/**
 * Errors the user can act on. Every command throws (or returns) these for bad input; the one
 * top-level handler in cli.ts prints `archibald: <message>` and exits with `exitCode`, never a stack.
 */
export type ErrorCode =
  | 'USAGE'
  | 'BAD_INPUT'
  | 'BAD_PROFILE'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'REFUSED'
  | 'INTERRUPTED';

export class ArchibaldError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly suggestion: string | undefined;

  constructor(code: ErrorCode, message: string, options: { exitCode?: number; suggestion?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ArchibaldError';
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'TOOL_FAILED' || code === 'INTERRUPTED' ? 1 : 2);
    this.suggestion = options.suggestion;
  }

  toJSON(): { code: ErrorCode; message: string; suggestion?: string } {
    return this.suggestion === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, suggestion: this.suggestion };
  }
}

/** Bad usage or bad input: exit code 2 with one clear line. */
export const usageError = (message: string, suggestion?: string): ArchibaldError =>
  new ArchibaldError('USAGE', message, suggestion === undefined ? {} : { suggestion });

export const inputError = (message: string, suggestion?: string): ArchibaldError =>
  new ArchibaldError('BAD_INPUT', message, suggestion === undefined ? {} : { suggestion });

/** Formats a zod error as one line per issue, `path: message`, for the one-line error contract. */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return where === '' ? issue.message : `${where}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The one top-level handler: prints `archibald: <message>` (and the suggestion) on stderr and
 * returns the exit code. No stack unless --debug; an unexpected error is exit 3, "internal error".
 */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof ArchibaldError) {
    process.stderr.write(`archibald: ${error.message}\n`);
    if (error.suggestion !== undefined) process.stderr.write(`  ${error.suggestion}\n`);
    if (debug && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`archibald: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  return 3;
}
