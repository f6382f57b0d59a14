/**
 * /api/profile, /api/profile/check and /api/apply: the active profile, a candidate checked and
 * diffed against it, and `archibald apply` on the candidate as a job. A switch is refused until
 * the dry run of the very same profile (by digest) has passed.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Hono } from 'hono';
import { diffProfiles, loadProfile, profileSchema, type Json } from '../../profile/index.js';
import { stateDir, writeFileAtomic } from '../../system/index.js';
import { applyRequestSchema, profileCheckSchema } from '../api-schema.js';
import type { ConsoleDeps } from '../server.js';
import { apiError, parseBody, profileIssues } from './http.js';

export function profileRoutes(app: Hono, { jobs, env }: Pick<ConsoleDeps, 'jobs' | 'env'>): void {
  const candidateFile = path.join(stateDir(env), 'console', 'candidate-profile.json');
  let dryRunPassedFor: string | null = null;

  app.get('/api/profile', async (c) => {
    try {
      const { path: file, profile } = await loadProfile();
      return c.json({ path: file, profile });
    } catch (error) {
      return c.json(apiError('BAD_PROFILE', (error as Error).message), 422);
    }
  });

  app.post('/api/profile/check', async (c) => {
    const request = await parseBody(c, profileCheckSchema);
    if (!request.ok) return request.response;
    const parsed = profileSchema.safeParse(request.data.profile);
    const current = await loadProfile().then(
      (loaded) => loaded.profile as unknown,
      () => null,
    );
    return c.json({
      ok: parsed.success,
      issues: parsed.success ? [] : profileIssues(parsed.error, request.data.profile),
      diff: diffProfiles(current as Json, request.data.profile as Json),
    });
  });

  app.post('/api/apply', async (c) => {
    const request = await parseBody(c, applyRequestSchema);
    if (!request.ok) return request.response;
    const parsed = profileSchema.safeParse(request.data.profile);
    if (!parsed.success) {
      const issues = profileIssues(parsed.error, request.data.profile);
      return c.json(apiError('BAD_PROFILE', issues.map((issue) => issue.message).join('; '), issues), 422);
    }
    const text = `${JSON.stringify(parsed.data, null, 2)}\n`;
    const digest = createHash('sha256').update(text).digest('hex');
    const { mode, confirm } = request.data;
    if (mode !== 'dry-run' && confirm !== true) {
      return c.json(apiError('CONFIRMATION_REQUIRED', `"${mode}" changes the running system: confirm it explicitly`), 428);
    }
    if (mode === 'switch' && dryRunPassedFor !== digest) {
      return c.json(apiError('DRY_RUN_FIRST', 'run the dry run of this exact profile first (and let it pass) before switching'), 409);
    }
    if (jobs.busy) return c.json({ ...apiError('BUSY', 'another job is running'), job: jobs.snapshot() }, 409);
    await writeFileAtomic(candidateFile, text, { createDirs: true });
    const args =
      mode === 'dry-run' ? ['apply', '--dry-run', '--file', candidateFile] : mode === 'live' ? ['apply', '--live', '--file', candidateFile] : ['apply', '--file', candidateFile];
    const timeoutMs = mode === 'switch' ? 60 * 60_000 : mode === 'dry-run' ? 20 * 60_000 : 60_000;
    const outcome = await jobs.runExclusive(`apply-${mode}`, args, timeoutMs);
    if (outcome === 'busy') return c.json({ ...apiError('BUSY', 'another job is running'), job: jobs.snapshot() }, 409);
    if (mode === 'dry-run') dryRunPassedFor = outcome.exitCode === 0 ? digest : null;
    if (mode === 'switch') dryRunPassedFor = null;
    return c.json({ job: outcome, dryRunPassed: mode === 'dry-run' ? outcome.exitCode === 0 : undefined });
  });
}
