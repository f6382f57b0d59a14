/** /api/doctor: the grouped doctor report, run once and cached; a POST runs it again. */
import type { Hono } from 'hono';
import type { GroupedDoctor } from '../../doctor/index.js';
import type { ConsoleDeps } from '../server.js';

export function doctorRoutes(app: Hono, deps: Pick<ConsoleDeps, 'runDoctor'>): void {
  let doctorCache: GroupedDoctor | null = null;
  let doctorRunning: Promise<GroupedDoctor> | null = null;

  // Pages opened at once share one run instead of starting a doctor each.
  const runDoctor = (): Promise<GroupedDoctor> => {
    doctorRunning ??= deps.runDoctor().then(
      (result) => {
        doctorCache = result;
        doctorRunning = null;
        return result;
      },
      (error: unknown) => {
        doctorRunning = null;
        throw error;
      },
    );
    return doctorRunning;
  };

  app.get('/api/doctor', async (c) => c.json(doctorCache ?? (await runDoctor())));
  app.post('/api/doctor', async (c) => c.json(await runDoctor()));
}
