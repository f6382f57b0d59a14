/** /api/events: the current job's progress as server-sent events, one `job` event per change. */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { JobSnapshot } from '../jobs.js';
import type { ConsoleDeps } from '../server.js';
import { idle } from './http.js';

export function eventsRoutes(app: Hono, { jobs }: Pick<ConsoleDeps, 'jobs'>): void {
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (job: JobSnapshot | null): void => void stream.writeSSE({ event: 'job', data: JSON.stringify(job) }).catch(() => undefined);
      send(jobs.snapshot());
      const unsubscribe = jobs.subscribe(send);
      stream.onAbort(unsubscribe);
      // A comment line now and then keeps proxies and the browser from dropping an idle stream.
      while (!stream.aborted && !stream.closed) await idle(15_000).then(() => stream.write(': keep-alive\n\n'));
      unsubscribe();
    }),
  );
}
