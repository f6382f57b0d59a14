/** `bench xruns` options, validated at the edge: bad input is a usage error (exit 2), never a guess. */
import { z } from 'zod';
import { formatIssues, usageError } from '../../errors.js';

const positiveNumber = (flag: string, max: number) =>
  z
    .string()
    .trim()
    .refine((text) => text !== '' && Number.isFinite(Number(text)), `${flag} must be a number`)
    .transform(Number)
    .refine((n) => n > 0 && n <= max, `${flag} must be above 0 and at most ${max}`);

const schema = z.object({
  duration: positiveNumber('--duration', 24 * 3600).default(60),
  backend: z.enum(['pipewire', 'jack'], { error: '--backend must be pipewire or jack' }).default('pipewire'),
  targetPercent: positiveNumber('--target-percent', 100).default(1),
  out: z.string().min(1, '--out needs a directory').optional(),
  json: z.boolean().default(false),
  progress: z.enum(['ndjson'], { error: '--progress must be ndjson' }).optional(),
  forensics: z.boolean().default(true),
});

export interface XrunsSettings {
  durationS: number;
  backend: 'pipewire' | 'jack';
  targetPercent: number;
  out: string | undefined;
  json: boolean;
  progress: 'ndjson' | undefined;
  /** Sample the machine and attribute each xrun (off: --no-forensics). */
  forensics: boolean;
}

export function parseSettings(options: Record<string, unknown>): XrunsSettings {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw usageError(formatIssues(parsed.error.issues).replace(/^[a-zA-Z]+: /, ''));
  const { duration, backend, targetPercent, out, json, progress, forensics } = parsed.data;
  return { durationS: duration, backend, targetPercent, out, json, progress, forensics };
}
