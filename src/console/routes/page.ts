/** The page shell and its assets: `/` exchanges the one-time launch token for the session cookie. */
import type { Hono } from 'hono';
import { sessionCookie } from '../security.js';
import type { ConsoleDeps } from '../server.js';

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

export function pageRoutes(app: Hono, { gate, assets }: Pick<ConsoleDeps, 'gate' | 'assets'>): void {
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
    const asset = assets.get(c.req.param('name'));
    if (asset === undefined) return c.text('not found\n', 404);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });
}
