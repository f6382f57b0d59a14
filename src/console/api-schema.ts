/** The shapes of request bodies and queries the console API accepts (zod at the edge). */
import { z } from 'zod';
import { STANDARD_RATES } from '../profile/index.js';

export const BENCH_LIMITS = { minDurationS: 2, maxDurationS: 3600 } as const;

export const benchRequestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('rt'),
      durationS: z.number().int().min(BENCH_LIMITS.minDurationS).max(BENCH_LIMITS.maxDurationS),
      load: z.enum(['none', 'half', 'full']).default('none'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('xruns'),
      durationS: z.number().int().min(BENCH_LIMITS.minDurationS).max(BENCH_LIMITS.maxDurationS),
      backend: z.enum(['pipewire', 'jack']).default('pipewire'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('tune'),
      /** Seconds held at each quantum. */
      durationS: z.number().int().min(BENCH_LIMITS.minDurationS).max(BENCH_LIMITS.maxDurationS),
      load: z.enum(['none', 'half', 'full']).default('none'),
      dspPercent: z.number().int().min(0).max(95).default(0),
      backend: z.enum(['pipewire', 'jack']).default('pipewire'),
    })
    .strict(),
]);
export type BenchRequest = z.infer<typeof benchRequestSchema>;

/** CLI arguments for a validated bench request: fixed words and numbers only. */
export function benchArgs(request: BenchRequest): string[] {
  const output = ['--json', '--progress', 'ndjson'];
  if (request.kind === 'tune') {
    return ['tune', '--hold', String(request.durationS), '--load', request.load, '--dsp', String(request.dspPercent), '--backend', request.backend, ...output];
  }
  const common = ['--duration', String(request.durationS), ...output];
  return request.kind === 'rt' ? ['bench', 'rt', '--load', request.load, ...common] : ['bench', 'xruns', '--backend', request.backend, ...common];
}

export const applyRequestSchema = z
  .object({
    profile: z.unknown(),
    mode: z.enum(['dry-run', 'switch', 'live']),
    /** Must be true for 'switch' and 'live': the page asked the person and they said yes. */
    confirm: z.boolean().optional(),
  })
  .strict();

export const profileCheckSchema = z.object({ profile: z.unknown() }).strict();

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export const latencyQuerySchema = z
  .object({
    rate: z.coerce
      .number()
      .int()
      .refine((n) => (STANDARD_RATES as readonly number[]).includes(n), { message: `rate must be one of ${STANDARD_RATES.join(', ')}` })
      .optional(),
    quantum: z.coerce
      .number()
      .int()
      .refine((n) => isPowerOfTwo(n) && n >= 16 && n <= 8192, { message: 'quantum must be a power of two in 16..8192' })
      .optional(),
  })
  .strict();

export const liveQuerySchema = z.object({ backend: z.enum(['pipewire', 'jack']).default('pipewire') }).strict();
