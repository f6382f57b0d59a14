/** /api/results: the newest saved document of each measurement, from the state directory. */
import path from 'node:path';
import type { Hono } from 'hono';
import { latestResult, type ResultKind } from '../../system/index.js';
import type { ConsoleDeps } from '../server.js';

const RESULT_KINDS: Record<'rt' | 'rtl' | 'xruns' | 'tune', ResultKind> = { rt: 'bench-rt', rtl: 'bench-rtl', xruns: 'bench-xruns', tune: 'tune' };

export function resultsRoutes(app: Hono, { env }: Pick<ConsoleDeps, 'env'>): void {
  app.get('/api/results', async (c) => {
    const entries = await Promise.all(
      Object.entries(RESULT_KINDS).map(async ([name, kind]) => {
        const found = await latestResult(kind, env);
        return [name, found === null ? null : { file: path.basename(found.file), document: found.document }] as const;
      }),
    );
    return c.json(Object.fromEntries(entries));
  });
}
