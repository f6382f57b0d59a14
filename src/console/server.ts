/**
 * The console's HTTP app (hono): the security middleware first, then one route module per
 * resource under routes/. Every route is fixed: requests choose among named actions with
 * validated numbers and words, never a command or a file path.
 */
import { Hono } from 'hono';
import type { Asset } from './assets.js';
import type { CliRunner } from './cli-runner.js';
import type { GroupedDoctor } from '../doctor/index.js';
import type { JobRunner } from './jobs.js';
import type { LiveHub } from './live.js';
import { installSecurity } from './middleware.js';
import { doctorRoutes } from './routes/doctor.js';
import { eventsRoutes } from './routes/events.js';
import { apiError } from './routes/http.js';
import { jobsRoutes } from './routes/jobs.js';
import { latencyRoutes } from './routes/latency.js';
import { liveRoutes } from './routes/live.js';
import { pageRoutes } from './routes/page.js';
import { profileRoutes } from './routes/profile.js';
import { resultsRoutes } from './routes/results.js';
import type { Gate } from './security.js';

export interface ConsoleDeps {
  gate: Gate;
  /** The address the server listens on (its name is an accepted Host besides loopback names). */
  boundHost: string;
  jobs: JobRunner;
  live: LiveHub;
  cli: CliRunner;
  assets: Map<string, Asset>;
  env: NodeJS.ProcessEnv;
  runDoctor: () => Promise<GroupedDoctor>;
}

export function createConsoleApp(deps: ConsoleDeps): Hono {
  const app = new Hono();
  // Middleware runs in the order it is added, so the locks stand before every route.
  installSecurity(app, deps);
  pageRoutes(app, deps);
  jobsRoutes(app, deps);
  doctorRoutes(app, deps);
  profileRoutes(app, deps);
  latencyRoutes(app, deps);
  resultsRoutes(app, deps);
  eventsRoutes(app, deps);
  liveRoutes(app, deps);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json(apiError('NOT_FOUND', 'no such API endpoint'), 404) : c.text('not found\n', 404)));
  app.onError((error, c) => c.json(apiError('INTERNAL', error.message), 500));
  return app;
}
