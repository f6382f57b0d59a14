/** The one shape for work that can fail without throwing: the value, or one line saying why. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The parsers' name for it: a malformed file is a finding, not a crash. */
export type Parsed<T> = Result<T>;

export const parsed = <T>(value: T): Result<T> => ({ ok: true, value });
export const malformed = <T = never>(error: string): Result<T> => ({ ok: false, error });

/** JSON.parse without the throw; the failure is the parser's own message, for the caller to prefix. */
export function parseJson(text: string): Result<unknown> {
  try {
    return parsed(JSON.parse(text) as unknown);
  } catch (error) {
    return malformed((error as Error).message);
  }
}

/** Text that no /proc or /sys file would hold: NUL bytes or other control characters. */
export function hasBinaryNoise(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/.test(text);
}

/** Shortens a value for evidence lines so garbage never floods the report. */
export function excerpt(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const single = text.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?').trim();
  return single.length > max ? `${single.slice(0, max)}…` : single;
}
