/** Judging: pure, synchronous, and a check that throws becomes a row, never a crash. */
import type { CheckDefinition, CheckResult, Context, Facts, Status } from './types.js';
import { MissingFact } from './checks/judge.js';

export function judgeAll(checks: readonly CheckDefinition[], facts: Facts, context: Context): CheckResult[] {
  return checks.map((check) => {
    const base = { id: check.id, title: check.title };
    try {
      const verdict = check.judge(facts, context);
      const evidence = (verdict.evidence ?? []).filter((line) => line !== '');
      return { ...base, status: verdict.status, summary: verdict.summary, evidence, fix: 'fix' in verdict ? verdict.fix : null };
    } catch (error) {
      if (error instanceof MissingFact) return { ...base, status: 'skip' as const, summary: `cannot check: ${error.reason}`, evidence: [error.reason], fix: null };
      const message = error instanceof Error ? error.message : String(error);
      // A bug in a check must not take the report down; say so plainly instead.
      return { ...base, status: 'skip' as const, summary: `internal error in this check: ${message}`, evidence: [message], fix: null };
    }
  });
}

export function countStatuses(results: readonly CheckResult[]): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}
