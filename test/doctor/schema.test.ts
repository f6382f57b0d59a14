import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SCHEMA_PATH, renderSchema } from '../../src/doctor/gen-schema.js';
import { doctorReportSchema } from '../../src/doctor/schema.js';

test('docs/doctor.schema.json is generated from the zod schema and up to date', () => {
  assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderSchema(), 'stale: run `node --import tsx src/doctor/gen-schema.ts`');
});

test('the schema rejects a finding without a fix and counts that do not add up', () => {
  const check = { id: 'swappiness', title: 'Swappiness', status: 'warn', summary: 'x', evidence: [], fix: null };
  const report = { version: 1, host: { hostname: null, os: null, nixos: false, kernel: null, root: null, user: null, profile: 'p' }, checks: [check], counts: { pass: 0, warn: 1, fail: 0, skip: 0 } };
  assert.equal(doctorReportSchema.safeParse(report).success, false);
  const fixed = { ...report, checks: [{ ...check, fix: { nix: 'a', other: 'b' } }] };
  assert.equal(doctorReportSchema.safeParse(fixed).success, true);
  assert.equal(doctorReportSchema.safeParse({ ...fixed, counts: { pass: 1, warn: 1, fail: 0, skip: 0 } }).success, false);
});
