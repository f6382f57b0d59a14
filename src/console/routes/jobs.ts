/**
 * /api/info and /api/bench: what the console is doing, and the one benchmark job at a time
 * (started from named kinds with validated numbers, never a command line from the request).
 */
import type { Hono } from 'hono';
import { stateDir } from '../../system/index.js';
import { benchArgs, benchRequestSchema } from '../api-schema.js';
import type { ConsoleDeps } from '../server.js';
import { apiError, parseBody } from './http.js';

export function jobsRoutes(app: Hono, { jobs, env }: Pick<ConsoleDeps, 'jobs' | 'env'>): void {
  app.get('/api/info', (c) =>
    c.json({ console: 1, stateDir: stateDir(env), busy: jobs.busy, job: jobs.snapshot() }),
  );

  app.get('/api/bench', (c) => c.json({ busy: jobs.busy, job: jobs.snapshot() }));

  app.post('/api/bench', async (c) => {
    const request = await parseBody(c, benchRequestSchema);
    if (!request.ok) return request.response;
    const job = jobs.start(`bench-${request.data.kind}`, benchArgs(request.data));
    if (job === null) return c.json({ ...apiError('BUSY', 'one benchmark at a time: another job is running'), job: jobs.snapshot() }, 409);
    return c.json({ job }, 202);
  });

  app.delete('/api/bench', async (c) => c.json({ cancelled: await jobs.cancel() }));
}
