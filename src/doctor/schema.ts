/**
 * The `archibald doctor --json` document (version 1). docs/doctor.schema.json is generated from this
 * schema (`node --import tsx src/doctor/gen-schema.ts`) and a test fails when it is stale. This is the
 * one definition of the document: the doctor's code takes its types from here with `import type`, so
 * its hot path never loads zod; tests, `report` and `console` validate against the schema itself.
 */
import { z } from 'zod';

export const statusSchema = z.enum(['pass', 'warn', 'fail', 'skip']);

export const fixSchema = z
  .object({
    nix: z.string().min(1).describe('the archibald.* (or plain NixOS) option that fixes it declaratively'),
    other: z.string().min(1).describe('the fix elsewhere; on NixOS never an imperative command a rebuild would undo'),
  })
  .strict();

export const checkResultSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(1),
    status: statusSchema,
    summary: z.string().min(1),
    evidence: z.array(z.string()),
    fix: fixSchema.nullable(),
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
export type Status = z.infer<typeof statusSchema>;
export type Fix = z.infer<typeof fixSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;

export function doctorJsonSchema(): unknown {
  return { $id: 'https://archibaldos.invalid/schemas/doctor.schema.json', ...z.toJSONSchema(doctorReportSchema, { target: 'draft-2020-12' }) };
}
