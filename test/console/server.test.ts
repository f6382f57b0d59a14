import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/system/run.js';
import { startProcess } from '../../src/system/processes.js';
import type { CliRunner } from '../../src/console/cli-runner.js';
import { loadGraphMonitor } from '../../src/console/monitor-source.js';
import { startJack } from '../helpers/daemons.js';
import { needTools } from '../helpers/tools.js';
import { rawRequest, startTestServer } from './support.js';

/**
 * A stand-in for the archibald CLI made of real child processes: "bench" prints ndjson progress on
 * stderr and a JSON document on stdout; "apply" prints a plan. It records every argv it was given.
 */
function scriptedCli(calls: string[][], benchSeconds = 1.5): CliRunner {
  const bench = `
    const total = ${benchSeconds};
    let t = 0;
    const timer = setInterval(() => {
      t += 0.25;
      process.stderr.write(JSON.stringify({ elapsedS: t, durationS: total }) + '\\n');
      if (t >= total) { clearInterval(timer); process.stdout.write(JSON.stringify({ tool: 'cyclictest', verdict: 'pass', overall: { maxUs: 12 } })); }
    }, 250);
    process.on('SIGINT', () => { process.stdout.write(JSON.stringify({ tool: 'cyclictest', interrupted: true })); process.exit(1); });`;
  const apply = `process.stdout.write('would write profile and run nixos-rebuild dry-build\\n'); process.exit(Number(process.argv[1] === 'fail') * 2);`;
  return {
    run: (args, timeoutMs) => {
      calls.push([...args]);
      return run([process.execPath, '-e', apply, args.includes('--dry-run') ? 'ok' : 'ok'], { timeoutMs });
    },
    start: (args) => {
      calls.push([...args]);
      return startProcess([process.execPath, '-e', bench]);
    },
  };
}

const json = { 'Content-Type': 'application/json' };

test('API: no session is 401, the token works once, foreign Origin and Host are 403', async (t) => {
  const server = await startTestServer({ cli: scriptedCli([]) });
  t.after(() => server.close());

  const anonymous = await rawRequest(server.port, '/api/info');
  assert.equal(anonymous.status, 401);
  assert.equal((await rawRequest(server.port, '/')).status, 401, 'the page itself needs the session too');
  const reused = await rawRequest(server.port, `/?token=${server.gate.launchToken}`);
  assert.equal(reused.status, 401, 'the printed address was already used');
  assert.equal(reused.headers['set-cookie'], undefined);

  assert.equal((await server.request('/api/info')).status, 200);
  assert.equal((await server.request('/')).status, 200);

  const foreign = await server.request('/api/info', { headers: { Origin: 'http://evil.example' } });
  assert.equal(foreign.status, 403, 'a valid session from a foreign page is still refused');
  const ownOrigin = await server.request('/api/info', { headers: { Origin: `http://127.0.0.1:${server.port}` } });
  assert.equal(ownOrigin.status, 200);
  const rebinding = await server.request('/api/info', { headers: { Host: `evil.example:${server.port}` } });
  assert.equal(rebinding.status, 403, 'DNS rebinding: a foreign Host name is refused');
  const tunnel = await server.request('/api/info', { headers: { Host: 'localhost:8080', Origin: 'http://localhost:8080' } });
  assert.equal(tunnel.status, 200, 'an SSH tunnel on another local port still works');
  const crossSite = await server.request('/api/info', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  assert.equal(crossSite.status, 403);
  const page = await server.request('/');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
});

test('assets are a fixed table: no path reaches another file', async (t) => {
  const assets = new Map([['console.js', { body: new TextEncoder().encode('console.log(1)'), type: 'text/javascript' }]]);
  const server = await startTestServer({ cli: scriptedCli([]), assets });
  t.after(() => server.close());
  assert.equal((await server.request('/assets/console.js')).body, 'console.log(1)');
  for (const probe of ['/assets/..%2F..%2Fpackage.json', '/assets/../../package.json', '/assets/%2Fetc%2Fpasswd', '/assets/other.js', '/etc/passwd', '/api/file?path=/etc/passwd']) {
    const reply = await server.request(probe);
    assert.ok(reply.status === 404, `${probe} gave ${reply.status}`);
    assert.doesNotMatch(reply.body, /root:|"name": "archibald"/);
  }
});

test('bench: one at a time (409), progress from the ndjson stream, result kept, fixed argv', async (t) => {
  const calls: string[][] = [];
  const server = await startTestServer({ cli: scriptedCli(calls) });
  t.after(() => server.close());
  const start = await server.request('/api/bench', { method: 'POST', headers: json, body: JSON.stringify({ kind: 'rt', durationS: 5 }) });
  assert.equal(start.status, 202);
  const second = await server.request('/api/bench', { method: 'POST', headers: json, body: JSON.stringify({ kind: 'xruns', durationS: 5 }) });
  assert.equal(second.status, 409, 'a second benchmark is refused while one runs');
  const apply = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: {}, mode: 'dry-run' }) });
  assert.equal(apply.status, 422, 'an invalid profile is refused before the lock is even looked at');

  let progressSeen = false;
  let final: { state: string; result: unknown } | null = null;
  for (let i = 0; i < 60 && final === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const state = (await server.request('/api/bench')).json() as { busy: boolean; job: { state: string; progress: { elapsedS: number } | null; result: unknown } };
    if (state.job.progress !== null && state.busy) progressSeen = true;
    if (state.job.state !== 'running') final = state.job;
  }
  assert.ok(progressSeen, 'progress records reached the API while running');
  assert.equal(final?.state, 'done');
  assert.deepEqual(final?.result, { tool: 'cyclictest', verdict: 'pass', overall: { maxUs: 12 } });
  assert.deepEqual(calls[0], ['bench', 'rt', '--load', 'none', '--duration', '5', '--json', '--progress', 'ndjson']);
  assert.equal(calls.length, 1, 'the refused request started nothing');
});

test('bench: DELETE stops the running job (SIGINT to its process group)', async (t) => {
  const server = await startTestServer({ cli: scriptedCli([], 30) });
  t.after(() => server.close());
  assert.equal((await server.request('/api/bench', { method: 'POST', headers: json, body: JSON.stringify({ kind: 'rt', durationS: 30 }) })).status, 202);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const started = Date.now();
  assert.deepEqual((await server.request('/api/bench', { method: 'DELETE' })).json(), { cancelled: true });
  assert.ok(Date.now() - started < 3000);
  const state = (await server.request('/api/bench')).json() as { busy: boolean; job: { state: string; result: unknown } };
  assert.equal(state.busy, false);
  assert.equal(state.job.state, 'cancelled');
  assert.deepEqual(state.job.result, { tool: 'cyclictest', interrupted: true }, 'what the bench printed on SIGINT is kept');
});

test('bad requests: wrong content type, bad JSON, unknown fields, bad query values', async (t) => {
  const server = await startTestServer({ cli: scriptedCli([]) });
  t.after(() => server.close());
  assert.equal((await server.request('/api/bench', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"kind":"rt","durationS":5}' })).status, 415);
  assert.equal((await server.request('/api/bench', { method: 'POST', headers: json, body: '{' })).status, 400);
  assert.equal((await server.request('/api/bench', { method: 'POST', headers: json, body: JSON.stringify({ kind: 'rt', durationS: 5, argv: ['sh'] }) })).status, 400);
  assert.equal((await server.request('/api/latency?quantum=33')).status, 400);
  assert.equal((await server.request('/api/live?backend=alsa')).status, 400);
  assert.equal((await server.request('/api/bench', { method: 'POST', headers: json, body: JSON.stringify({ kind: 'rt', durationS: 5, pad: 'x'.repeat(300_000) }) })).status, 413);
});

test('apply: the schema refuses a bad quantum; switch needs confirmation and a passing dry run of the same profile', async (t) => {
  const state = await mkdtemp(path.join(tmpdir(), 'archibald-console-state-'));
  t.after(() => rm(state, { recursive: true, force: true }));
  const calls: string[][] = [];
  const server = await startTestServer({ cli: scriptedCli(calls), env: { ...process.env, ARCHIBALD_STATE_DIR: state } });
  t.after(() => server.close());
  const profile = JSON.parse(await readFile(new URL('../../profiles/default.json', import.meta.url), 'utf8')) as { pipewire: { quantum: number } };

  const bad = structuredClone(profile);
  bad.pipewire.quantum = 33;
  const refused = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: bad, mode: 'dry-run' }) });
  assert.equal(refused.status, 422);
  const issues = (refused.json() as { error: { issues: Array<{ path: string; message: string }> } }).error.issues;
  assert.ok(issues.some((issue) => issue.path === 'pipewire.quantum' && /power of two/.test(issue.message)), JSON.stringify(issues));

  const check = (await server.request('/api/profile/check', { method: 'POST', headers: json, body: JSON.stringify({ profile: bad }) })).json() as { ok: boolean; diff: Array<{ path: string }> };
  assert.equal(check.ok, false);

  const good = structuredClone(profile);
  good.pipewire.quantum = 64;
  const unconfirmed = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: good, mode: 'switch' }) });
  assert.equal(unconfirmed.status, 428);
  const noDryRun = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: good, mode: 'switch', confirm: true }) });
  assert.equal(noDryRun.status, 409);
  assert.equal(calls.length, 0, 'nothing ran yet');

  const dry = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: good, mode: 'dry-run' }) });
  assert.equal(dry.status, 200);
  const dryBody = dry.json() as { dryRunPassed: boolean; job: { output: string; exitCode: number } };
  assert.equal(dryBody.dryRunPassed, true);
  assert.match(dryBody.job.output, /nixos-rebuild dry-build/);
  const candidate = path.join(state, 'console', 'candidate-profile.json');
  assert.deepEqual(calls[0], ['apply', '--dry-run', '--file', candidate]);
  assert.equal((JSON.parse(await readFile(candidate, 'utf8')) as { pipewire: { quantum: number } }).pipewire.quantum, 64);

  const other = structuredClone(good);
  other.pipewire.quantum = 128;
  const changed = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: other, mode: 'switch', confirm: true }) });
  assert.equal(changed.status, 409, 'the dry run was for another profile');
  const switched = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: good, mode: 'switch', confirm: true }) });
  assert.equal(switched.status, 200);
  assert.deepEqual(calls[1], ['apply', '--file', candidate]);
  const again = await server.request('/api/apply', { method: 'POST', headers: json, body: JSON.stringify({ profile: good, mode: 'switch', confirm: true }) });
  assert.equal(again.status, 409, 'a switch needs a fresh dry run');
});

test('live: samples from the monitor reach the event stream, and the monitor stops when the page goes', async (t) => {
  let stopped = 0;
  const server = await startTestServer({
    cli: scriptedCli([]),
    startMonitor: async () => {
      let running = true;
      return {
        samples: (async function* () {
          let n = 0;
          while (running) {
            yield { timeMs: Date.now(), rate: 48000, quantum: 256, dspLoad: 0.25, xrunsTotal: n++, driver: 'Dummy-Driver' };
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
        stop: async () => {
          running = false;
          stopped++;
        },
      };
    },
  });
  t.after(() => server.close());
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${server.port}/api/live?backend=pipewire`, { headers: { Cookie: server.cookie }, signal: controller.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!/event: sample[\s\S]*event: sample/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
  assert.match(text, /"rate":48000/);
  assert.match(text, /"quantum":256/);
  controller.abort();
  for (let i = 0; i < 40 && stopped === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(stopped, 1, 'the last page leaving stops the monitor');
});

test('live over JACK: the real graph monitor against jackd (dummy backend) reaches the event stream', async (t) => {
  if (!needTools(t, ['jackd', 'jack_lsp', 'python3'])) return;
  const jack = await startJack({ rate: 48000, period: 128 });
  t.after(() => jack.stop());
  const server = await startTestServer({ cli: scriptedCli([]), env: jack.env, startMonitor: await loadGraphMonitor() });
  t.after(() => server.close());
  const controller = new AbortController();
  t.after(() => controller.abort());
  const response = await fetch(`http://127.0.0.1:${server.port}/api/live?backend=jack`, { headers: { Cookie: server.cookie }, signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  const deadline = Date.now() + 15_000;
  while (!/event: sample\ndata: \{[^\n]*"running":true/.test(text) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
  const line = /event: sample\ndata: (\{[^\n]*"running":true[^\n]*\})/.exec(text)?.[1];
  assert.ok(line !== undefined, text);
  const sample = JSON.parse(line) as { rate: number; quantum: number; driver: string };
  assert.equal(sample.rate, 48000);
  assert.equal(sample.quantum, 128);
  assert.equal(sample.driver, 'jackd');
});
