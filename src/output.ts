/** Output conventions shared by every command: `--json` prints one document and nothing else. */
import pc from 'picocolors';
import { usageError } from './errors.js';

export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** Colour only for a terminal that is not CI and has not asked for NO_COLOR. */
export const useColour = (stream: NodeJS.WriteStream = process.stdout): boolean =>
  stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.CI === undefined;

export const colours = (enabled: boolean) => pc.createColors(enabled);

/** Progress bars only where a person watches: a TTY on stderr, not CI, not --json to a TTY stdout. */
export const wantProgress = (): boolean => process.stderr.isTTY === true && process.env.CI === undefined;

/** Parses a positive number option; throws a usage error naming the flag. */
export function numberOption(flag: string, value: string | undefined, limits: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min = -Infinity, max = Infinity, integer = false } = limits;
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const range = `${Number.isFinite(min) ? min : ''}..${Number.isFinite(max) ? max : ''}`;
    throw usageError(`${flag} must be ${integer ? 'a whole number' : 'a number'}${range !== '..' ? ` in ${range}` : ''} (got ${JSON.stringify(value)})`);
  }
  return n;
}

/** `archibald doctor | head` closes our stdout early: that is the reader's choice, not an error. */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
      throw error;
    });
  }
}
