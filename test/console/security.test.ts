import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cookieValue, Gate, hostAllowed, originAllowed, SESSION_COOKIE, sessionCookie, splitHostHeader } from '../../src/console/security.js';

test('Host: loopback names on any port pass, other names (DNS rebinding) do not', () => {
  for (const host of ['127.0.0.1:7373', 'localhost:7373', 'LOCALHOST:8080', '[::1]:7373', '127.0.0.1', '127.1.2.3:80']) {
    assert.equal(hostAllowed(host, '127.0.0.1'), true, host);
  }
  for (const host of ['evil.example:7373', 'evil.example', '127.0.0.1.evil.example:7373', '', 'localhost:7373/x', 'user@127.0.0.1:7373', undefined]) {
    assert.equal(hostAllowed(host, '127.0.0.1'), false, String(host));
  }
});

test('Host: the explicitly bound address is accepted besides loopback names', () => {
  assert.equal(hostAllowed('192.168.1.20:7373', '192.168.1.20'), true);
  assert.equal(hostAllowed('192.168.1.21:7373', '192.168.1.20'), false);
  assert.equal(hostAllowed('[fd00::5]:7373', 'fd00::5'), true);
});

test('Origin: absent is fine, the request\'s own origin is fine, anything else is refused', () => {
  assert.equal(originAllowed(undefined, '127.0.0.1:7373'), true);
  assert.equal(originAllowed('http://127.0.0.1:7373', '127.0.0.1:7373'), true);
  assert.equal(originAllowed('http://evil.example', '127.0.0.1:7373'), false);
  assert.equal(originAllowed('http://127.0.0.1:7374', '127.0.0.1:7373'), false, 'another local port is another origin');
  assert.equal(originAllowed('http://localhost:7373', '127.0.0.1:7373'), false);
  assert.equal(originAllowed('https://127.0.0.1:7373', '127.0.0.1:7373'), false);
  assert.equal(originAllowed('null', '127.0.0.1:7373'), false, 'sandboxed frames and file:// send "null"');
  assert.equal(originAllowed('http://127.0.0.1:7373', undefined), false);
});

test('the launch token buys exactly one session; wrong tokens buy none', () => {
  const gate = new Gate();
  assert.equal(gate.exchange('not-the-token'), null);
  assert.equal(gate.exchange(undefined), null);
  assert.equal(gate.tokenSpent, false, 'a wrong guess does not burn the real token');
  const session = gate.exchange(gate.launchToken);
  assert.ok(session !== null && session.length >= 40);
  assert.notEqual(session, gate.launchToken, 'the session is not the printed token');
  assert.equal(gate.exchange(gate.launchToken), null, 'the printed address works once');
  assert.equal(gate.authorised(`other=1; ${SESSION_COOKIE}=${session}`), true);
  assert.equal(gate.authorised(`${SESSION_COOKIE}=${gate.launchToken}`), false, 'the token itself is not a session');
  assert.equal(gate.authorised(undefined), false);
  assert.equal(gate.authorised(`${SESSION_COOKIE}=`), false);
});

test('two consoles never share tokens', () => {
  assert.notEqual(new Gate().launchToken, new Gate().launchToken);
});

test('the session cookie is HttpOnly and SameSite=Strict', () => {
  const cookie = sessionCookie('abc');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
});

test('cookie and header parsers never throw on arbitrary input', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      cookieValue(a, b);
      splitHostHeader(a);
      assert.equal(typeof hostAllowed(a, '127.0.0.1'), 'boolean');
      assert.equal(typeof originAllowed(a, b), 'boolean');
    }),
    { numRuns: 2000 },
  );
});
