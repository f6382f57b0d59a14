/**
 * Pure pieces of running a bench through the CLI: the `--progress ndjson` lines a bench writes on
 * stderr, and the one JSON document it prints on stdout.
 */
import { z } from 'zod';
import { parseJson } from '../result.js';

export const progressSchema = z
  .object({
    elapsedS: z.number().finite().min(0),
    durationS: z.number().finite().positive(),
  })
  .passthrough();

export type Progress = z.infer<typeof progressSchema>;

/** A stderr line that is a progress record, or null for anything else (warnings, noise). */
export function parseProgressLine(line: string): Progress | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  const json = parseJson(trimmed);
  if (!json.ok) return null;
  const parsed = progressSchema.safeParse(json.value);
  return parsed.success ? parsed.data : null;
}

export const fractionDone = (progress: Progress): number => Math.min(1, Math.max(0, progress.elapsedS / progress.durationS));

/** The bench's stdout: exactly one JSON object (the `--json` contract), or a reason it is not. */
export function parseJsonDocument(stdout: string): { ok: true; document: Record<string, unknown> } | { ok: false; reason: string } {
  const text = stdout.trim();
  if (text === '') return { ok: false, reason: 'the command printed nothing on stdout' };
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: `the command's output is not JSON: ${json.error}` };
  const data = json.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'the command did not print a JSON object' };
  return { ok: true, document: data as Record<string, unknown> };
}

/**
 * The CLI's one-line error from stderr: the last `archibald: …` line (a suggestion may follow it
 * on an indented line), else the last line that is not a progress record.
 */
export function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && parseProgressLine(line) === null);
  return lines.findLast((line) => line.startsWith('archibald: ')) ?? lines.at(-1) ?? '';
}
