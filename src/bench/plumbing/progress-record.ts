/**
 * The `--progress ndjson` contract of the long commands (bench rt, bench xruns, tune): while they
 * run, one JSON object a line on stderr with at least elapsedS and durationS, plus the command's
 * own running figures. The writer is progress.ts; the console's jobs read the lines back with
 * parseProgressLine. Pure and browser-safe.
 */
import { z } from 'zod';
import { parseJson } from '../../result.js';

export const progressRecordSchema = z
  .object({
    elapsedS: z.number().finite().min(0),
    durationS: z.number().finite().positive(),
  })
  .passthrough();

export type ProgressRecord = z.infer<typeof progressRecordSchema>;

/** Seconds to one decimal: a progress line a second needs no more. */
export const tenths = (seconds: number): number => Math.round(seconds * 10) / 10;

/** A stderr line that is a progress record, or null for anything else (warnings, noise). */
export function parseProgressLine(line: string): ProgressRecord | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  const json = parseJson(trimmed);
  if (!json.ok) return null;
  const parsed = progressRecordSchema.safeParse(json.value);
  return parsed.success ? parsed.data : null;
}

export const fractionDone = (progress: ProgressRecord): number => Math.min(1, Math.max(0, progress.elapsedS / progress.durationS));
