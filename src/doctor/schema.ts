/**
 * The `archibald doctor --json` document (version 1). docs/doctor.schema.json is generated from this
 * schema (`node --import tsx src/doctor/gen-schema.ts`) and a test fails when it is stale. The doctor
 * itself never loads zod on its hot path; tests validate its output against this schema.
 */
import { z } from 'zod';

export const statusSchema = z.enum(['pass', 'warn', 'fail', 'skip']);

export const checkResultSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(1),
    status: statusSchema,
    summary: z.string().min(1),
    evidence: z.array(z.string()),
    fix: z.object({ nix: z.string().min(1), other: z.string().min(1) }).strict().nullable(),
  })
  .strict()
  .refine((check) => (check.status === 'warn' || check.status === 'fail') === (check.fix !== null), {
    message: 'warn and fail carry a fix; pass and skip do not',
  });

export const doctorReportSchema = z
  .object({
    version: z.literal(1),
    host: z
      .object({
        hostname: z.string().nullable(),
        os: z.string().nullable(),
        nixos: z.boolean(),
        kernel: z.string().nullable(),
        root: z.string().nullable().describe('the --root directory, or null for the live machine'),
        user: z.string().nullable().describe('the user whose limits and groups were judged'),
        profile: z.string().describe('where the compared profile came from'),
      })
      .strict(),
    checks: z.array(checkResultSchema),
    counts: z.object({ pass: z.number().int().min(0), warn: z.number().int().min(0), fail: z.number().int().min(0), skip: z.number().int().min(0) }).strict(),
  })
  .strict()
  .refine((report) => report.checks.length === report.counts.pass + report.counts.warn + report.counts.fail + report.counts.skip, {
    message: 'counts must add up to the number of checks',
  });

export type DoctorReport = z.infer<typeof doctorReportSchema>;

export function doctorJsonSchema(): unknown {
  return { $id: 'https://archibaldos.invalid/schemas/doctor.schema.json', ...z.toJSONSchema(doctorReportSchema, { target: 'draft-2020-12' }) };
}
