/** /api/live: the Live page's graph samples of one backend as server-sent events (live.ts holds the shared monitors). */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { liveQuerySchema } from '../api-schema.js';
import type { ConsoleDeps } from '../server.js';
import { badInput, idle } from './http.js';

export function liveRoutes(app: Hono, { live }: Pick<ConsoleDeps, 'live'>): void {
  app.get('/api/live', (c) => {
    const query = liveQuerySchema.safeParse(c.req.query());
    if (!query.success) return badInput(c, query.error);
    return streamSSE(c, async (stream) => {
      let ended = false;
      const unsubscribe = live.subscribe(query.data.backend, (event) => {
        if (event.type === 'sample') void stream.writeSSE({ event: 'sample', data: JSON.stringify(event.sample) }).catch(() => undefined);
        else {
          ended = true;
          void stream.writeSSE({ event: 'problem', data: JSON.stringify(event.type === 'error' ? { message: event.message } : { message: 'the monitor stopped' }) }).catch(() => undefined);
        }
      });
      stream.onAbort(unsubscribe);
      while (!ended && !stream.aborted && !stream.closed) await idle(1000);
      unsubscribe();
      // Closing lets EventSource reconnect on its own after a failure, which retries the monitor.
      await stream.close();
    });
  });
}
