/**
 * The console's locks as middleware, installed before any route (security.ts holds the rules as
 * pure functions; this wires them into every request):
 *  1. the Host must be ours (DNS rebinding), 2. any Origin must be the request's own,
 *  3. every API call needs the session cookie; plus the response headers (CSP and friends)
 *  and a body limit on the API.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiError } from './routes/http.js';
import { hostAllowed, originAllowed, type Gate } from './security.js';

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

export function installSecurity(app: Hono, { gate, boundHost }: { gate: Gate; boundHost: string }): void {
  // Lock 1 and 2: the Host must be ours (DNS rebinding) and any Origin must be the request's own.
  app.use('*', async (c, next) => {
    const host = c.req.header('host');
    if (!hostAllowed(host, boundHost)) return c.text('forbidden: this console only answers to its own address\n', 403);
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
}
