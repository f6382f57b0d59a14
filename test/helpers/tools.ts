/**
 * Real tools or an honest skip. A test that needs cyclictest, pipewire or jackd calls
 * `needTools(t, [...])`: where one is missing the test is skipped with "skipped: tool missing",
 * unless ARCHIBALD_REQUIRE_TOOLS=1 (set by .ci/run), which turns that skip into a failure.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

export function findTool(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

export const toolsRequired = (): boolean => process.env.ARCHIBALD_REQUIRE_TOOLS === '1';

/** Returns true when every tool exists; otherwise skips the test (or fails it under CI). */
export function needTools(t: TestContext, tools: readonly string[]): boolean {
  const missing = tools.filter((tool) => findTool(tool) === null);
  if (missing.length === 0) return true;
  const message = `skipped: tool missing: ${missing.join(', ')}`;
  if (toolsRequired()) throw new Error(`${message} (ARCHIBALD_REQUIRE_TOOLS=1 makes this a failure)`);
  t.skip(message);
  return false;
}

/** For conditions other than a missing tool (not root, no loop devices): skip with the reason. */
export function needCondition(t: TestContext, ok: boolean, reason: string): boolean {
  if (ok) return true;
  t.skip(`skipped: ${reason}`);
  return false;
}

export const isRoot = (): boolean => process.getuid?.() === 0;
