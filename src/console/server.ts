/**
 * The console's HTTP API and page shell (hono). Every route is fixed: requests choose among named
 * actions with validated numbers and words, never a command or a file path.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { formatIssues } from '../errors.js';
import { diffProfiles, formatIssue, loadProfile, profileSchema, type Json } from '../profile/index.js';
import { latestResult, stateDir, writeFileAtomic, type ResultKind } from '../system/index.js';
import { applyRequestSchema, benchArgs, benchRequestSchema, latencyQuerySchema, liveQuerySchema, profileCheckSchema } from './api-schema.js';
import type { Asset } from './assets.js';
import type { CliRunner } from './cli-runner.js';
import type { GroupedDoctor } from '../doctor/index.js';
import { readBenchRtl } from '../bench/index.js';
import { latencyReport, type LatencyReport } from '../latency/index.js';
import type { JobRunner, JobSnapshot } from './jobs.js';
import type { LiveHub } from './live.js';
import { hostAllowed, originAllowed, sessionCookie, type Gate } from './security.js';

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

const SECURITY_HEADERS: Record<string, string> = {
  // uPlot sizes its elements through style attributes, hence 'unsafe-inline' for styles only.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ArchibaldOS console</title>
<link rel="stylesheet" href="/assets/console.css">
</head><body><div id="app"><p class="boot">Loading the console…</p></div>
<script type="module" src="/assets/console.js"></script>
</body></html>
`;

const SIGNED_IN_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/">
<title>ArchibaldOS console</title></head>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto"><p>Signed in. <a href="/">Open the console</a>.</p></body></html>
`;

const denied = (message: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ArchibaldOS console: not signed in</title></head>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>Not signed in</h1><p>${message}</p>
<p>Open the address that <code>archibald console</code> printed in its terminal. Each address works once; restart the console for a new one.</p>
</body></html>
`;

type ApiError = { error: { code: string; message: string; issues?: Array<{ path: string; message: string }> } };

const apiError = (code: string, message: string, issues?: Array<{ path: string; message: string }>): ApiError => ({
  error: issues === undefined ? { code, message } : { code, message, issues },
});

function issuesOf(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Profile problems in the CLI's own words ("pipewire.quantum = 33: must be a power of two ..."). */
function profileIssues(error: z.ZodError, data: unknown): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: formatIssue(issue, data).join('; ') }));
}

/** The request's JSON body checked against `schema`, or the error response to send instead. */
async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  const body = await readJsonBody(c);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.body);
  if (!parsed.success) return { ok: false, response: c.json(apiError('BAD_INPUT', formatIssues(parsed.error.issues), issuesOf(parsed.error)), 400) };
  return { ok: true, data: parsed.data };
}

async function readJsonBody(c: Context): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return { ok: false, response: c.json(apiError('BAD_INPUT', 'send the body as application/json'), 415) };
  }
  try {
    return { ok: true, body: await c.req.json() };
  } catch {
    return { ok: false, response: c.json(apiError('BAD_INPUT', 'the body is not valid JSON'), 400) };
  }
}

/** A wait that never keeps the process alive on its own (open event streams must not delay Ctrl-C). */
const idle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

const RESULT_KINDS: Record<'rt' | 'rtl' | 'xruns' | 'tune', ResultKind> = { rt: 'bench-rt', rtl: 'bench-rtl', xruns: 'bench-xruns', tune: 'tune' };

/** The measured round trip of a saved `bench rtl` document, read through the bench's schema. */
export function measuredLatency(document: unknown): { latencyMs: number; latencyFrames: number | null } | null {
  const read = readBenchRtl(document);
  if (read.shape === 'unreadable' || read.document.latencyMs === null || !(read.document.latencyMs > 0)) return null;
  return { latencyMs: read.document.latencyMs, latencyFrames: read.document.latencyFrames };
}

export function createConsoleApp(deps: ConsoleDeps): Hono {
  const app = new Hono();
  const { gate, jobs, live, env } = deps;
  const candidateFile = path.join(stateDir(env), 'console', 'candidate-profile.json');
  let dryRunPassedFor: string | null = null;
  let doctorCache: GroupedDoctor | null = null;
  let doctorRunning: Promise<GroupedDoctor> | null = null;

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

  // Lock 1 and 2: the Host must be ours (DNS rebinding) and any Origin must be the request's own.
  app.use('*', async (c, next) => {
    const host = c.req.header('host');
    if (!hostAllowed(host, deps.boundHost)) return c.text('forbidden: this console only answers to its own address\n', 403);
    if (!originAllowed(c.req.header('origin'), host)) return c.text('forbidden: cross-origin request\n', 403);
    // The address itself may be clicked in another site's page (a chat, a web mail): only the API
    // refuses cross-site requests; `/` without our cookie only ever shows the sign-in answer.
    if (c.req.header('sec-fetch-site') === 'cross-site' && c.req.path !== '/') return c.text('forbidden: cross-site request\n', 403);
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });

  // Lock 3: every API call needs the session cookie.
  app.use('/api/*', async (c, next) => {
    if (!gate.authorised(c.req.header('cookie'))) {
      return c.json(apiError('UNAUTHORISED', 'no console session: open the address printed by `archibald console`'), 401);
    }
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.use('/api/*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json(apiError('BAD_INPUT', 'request body too large'), 413) }));

  app.get('/', (c) => {
    const token = c.req.query('token');
    if (token !== undefined) {
      const session = gate.exchange(token);
      if (session !== null) {
        c.header('Set-Cookie', sessionCookie(session));
        c.header('Cache-Control', 'no-store');
        // Drop the token from the address bar and the history. Not an HTTP redirect: after a
        // link clicked on another site the redirect would still count as cross-site and the
        // browser would withhold the new SameSite=Strict cookie; this page's own navigation is ours.
        return c.html(SIGNED_IN_HTML);
      }
      if (gate.authorised(c.req.header('cookie'))) return c.redirect('/', 303);
      return c.html(denied(gate.tokenSpent ? 'This address has already been used.' : 'The token in this address is not valid.'), 401);
    }
    if (!gate.authorised(c.req.header('cookie'))) return c.html(denied('This browser has no console session.'), 401);
    c.header('Cache-Control', 'no-store');
    return c.html(INDEX_HTML);
  });

  app.get('/assets/:name', (c) => {
    const asset = deps.assets.get(c.req.param('name'));
    if (asset === undefined) return c.text('not found\n', 404);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });

  app.get('/api/info', (c) =>
    c.json({ console: 1, stateDir: stateDir(env), busy: jobs.busy, job: jobs.snapshot() }),
  );

  app.get('/api/doctor', async (c) => c.json(doctorCache ?? (await runDoctor())));
  app.post('/api/doctor', async (c) => c.json(await runDoctor()));

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

  app.get('/api/latency', async (c) => {
    const query = latencyQuerySchema.safeParse(c.req.query());
    if (!query.success) return c.json(apiError('BAD_INPUT', formatIssues(query.error.issues), issuesOf(query.error)), 400);
    const what = { ...(query.data.rate === undefined ? {} : { rate: String(query.data.rate) }), ...(query.data.quantum === undefined ? {} : { quantum: String(query.data.quantum) }) };
    const rtl = await latestResult('bench-rtl', env);
    const measured = rtl === null ? null : measuredLatency(rtl.document);
    const measuredInfo = measured === null || rtl === null ? null : { ...measured, file: path.basename(rtl.file) };
    // With a saved measurement the model is also compared with it (unexplained and systemic
    // latency); the file comes from the state directory, never from the request.
    const model = (options: Record<string, string>) => latencyReport(options).then(({ report }) => report);
    let report: LatencyReport;
    try {
      report = measuredInfo === null || rtl === null ? await model(what) : await model({ ...what, measured: rtl.file }).catch(() => model(what));
    } catch (error) {
      return c.json({ ...apiError('TOOL_FAILED', `archibald latency failed: ${(error as Error).message}`), measured: measuredInfo }, 502);
    }
    return c.json({ model: report, measured: measuredInfo });
  });

  app.get('/api/results', async (c) => {
    const entries = await Promise.all(
      Object.entries(RESULT_KINDS).map(async ([name, kind]) => {
        const found = await latestResult(kind, env);
        return [name, found === null ? null : { file: path.basename(found.file), document: found.document }] as const;
      }),
    );
    return c.json(Object.fromEntries(entries));
  });

  app.get('/api/bench', (c) => c.json({ busy: jobs.busy, job: jobs.snapshot() }));

  app.post('/api/bench', async (c) => {
    const request = await parseBody(c, benchRequestSchema);
    if (!request.ok) return request.response;
    const job = jobs.start(`bench-${request.data.kind}`, benchArgs(request.data));
    if (job === null) return c.json({ ...apiError('BUSY', 'one benchmark at a time: another job is running'), job: jobs.snapshot() }, 409);
    return c.json({ job }, 202);
  });

  app.delete('/api/bench', async (c) => c.json({ cancelled: await jobs.cancel() }));

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (job: JobSnapshot | null): void => void stream.writeSSE({ event: 'job', data: JSON.stringify(job) }).catch(() => undefined);
      send(jobs.snapshot());
      const unsubscribe = jobs.subscribe(send);
      stream.onAbort(unsubscribe);
      while (!stream.aborted && !stream.closed) await idle(15_000).then(() => stream.write(': keep-alive\n\n'));
      unsubscribe();
    }),
  );

  app.get('/api/live', (c) => {
    const query = liveQuerySchema.safeParse(c.req.query());
    if (!query.success) return c.json(apiError('BAD_INPUT', formatIssues(query.error.issues), issuesOf(query.error)), 400);
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

  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json(apiError('NOT_FOUND', 'no such API endpoint'), 404) : c.text('not found\n', 404)));
  app.onError((error, c) => c.json(apiError('INTERNAL', error.message), 500));
  return app;
}
