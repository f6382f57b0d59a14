/**
 * The console end to end: the real CLI serving the real front end, a real PipeWire daemon (with a
 * stream playing so its graph runs), a real doctor run and a real `bench rt`, driven in Chromium.
 * Screenshots of every page go to test-artifacts/console/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startProcess, type ManagedProcess } from '../../src/system/processes.js';
import { run } from '../../src/system/run.js';
import { startPipewire } from '../helpers/daemons.js';
import { needTools } from '../helpers/tools.js';
import { artifactsDir, launchChromium } from '../helpers/browser.js';
import { rawRequest } from './support.js';

const bin = path.resolve('bin/archibald.js');
const shots = artifactsDir('console');

async function consoleUrl(child: ManagedProcess): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(child.output().stdout);
    if (match !== null) return match[0];
    if (!child.isRunning()) throw new Error(`the console exited: ${child.output().stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the console printed no address');
}

async function openPage(page: Page, id: string): Promise<void> {
  await page.click(`nav a[data-page="${id}"]`);
  await page.waitForSelector(`main[data-page-id="${id}"]`);
}

test('console in Chromium: every page shows real data; the form refuses a bad quantum; token and Origin are enforced', async (t) => {
  if (!needTools(t, ['chromium', 'pipewire', 'wireplumber', 'pw-cat', 'pw-metadata', 'sox', 'cyclictest'])) return;
  await mkdir(shots, { recursive: true });
  const state = await mkdtemp(path.join(tmpdir(), 'archibald-console-e2e-'));
  t.after(() => rm(state, { recursive: true, force: true }));

  const pipewire = await startPipewire({ rate: 48000, quantum: 256 });
  t.after(() => pipewire.stop());
  // A playing stream keeps the driver cycling (an idle PipeWire graph suspends it).
  const silence = path.join(state, 'silence.wav');
  assert.ok((await run(['sox', '-n', '-r', '48000', '-c', '2', '-b', '16', silence, 'trim', '0', '120'], { timeoutMs: 10_000 })).ok);
  const player = startProcess(['pw-cat', '--playback', '--latency', '256', '--target', pipewire.sinkName, silence], { env: pipewire.env });
  t.after(() => player.stop());

  const env = { ...pipewire.env, ARCHIBALD_STATE_DIR: state };
  const server = startProcess([process.execPath, bin, 'console', '--port', '0', '--no-open'], { env });
  t.after(() => server.stop('SIGKILL'));
  const url = await consoleUrl(server);
  const base = new URL(url);
  const port = Number(base.port);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // Status: the doctor's real results, grouped, with copyable Nix fixes.
  await page.goto(url);
  await page.waitForSelector('[data-check]', { timeout: 20_000 });
  assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
  const checks = await page.locator('[data-check]').count();
  assert.ok(checks >= 25, `the doctor's checks are listed (${checks})`);
  assert.ok((await page.locator('.group h2').count()) >= 4, 'grouped');
  assert.match(await page.locator('[data-check="pipewire-running"] summary').innerText(), /pass/i, 'the doctor sees the test PipeWire daemon');
  assert.ok((await page.locator('pre.nix').count()) >= 1, 'fixes are shown as Nix');
  await page.screenshot({ path: path.join(shots, 'status.png'), fullPage: true });
  await page.click('[data-testid="rerun"]');
  await page.waitForFunction(() => !(document.querySelector('[data-testid="rerun"]') as HTMLButtonElement | null)?.disabled);

  // Live: rate and quantum of the real graph, streamed.
  await openPage(page, 'live');
  await page.waitForFunction(() => document.querySelector('[data-testid="live-quantum"]')?.textContent === '256', undefined, { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="live-rate"]').innerText(), '48000 Hz');
  assert.equal(await page.locator('[data-testid="live-driver"]').innerText(), pipewire.sinkName);
  assert.match(await page.locator('[data-testid="live-load"]').innerText(), /^\d+\.\d %$/);
  assert.equal(await page.locator('[data-testid="live-load-chart"] .uplot').count(), 1);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: path.join(shots, 'live.png'), fullPage: true });

  // Latency: the model of the profile, the measured round trip of a real loop, then a what-if quantum.
  await openPage(page, 'latency');
  await page.waitForSelector('[data-testid="latency-total"]', { timeout: 15_000 });
  assert.match(await page.locator('[data-testid="latency-measured"]').innerText(), /No measurement yet/);
  const rtl = await run([process.execPath, bin, 'bench', 'rtl', '--backend', 'pipewire', '--self-loop', '--playback', pipewire.sinkName, '--json'], { timeoutMs: 60_000, env });
  assert.equal(rtl.exitCode, 0, rtl.stderr);
  const measuredMs = (JSON.parse(rtl.stdout) as { latencyMs: number }).latencyMs;
  await page.reload();
  await page.waitForSelector('[data-testid="latency-total"]', { timeout: 15_000 });
  assert.match(await page.locator('[data-testid="latency-measured"]').innerText(), new RegExp(`Measured \\(bench rtl, bench-rtl-[\\w-]+\\.json\\): ${measuredMs.toFixed(2).replace('.', '\\.')} ms`));
  assert.match(await page.locator('[data-testid="systemic"]').innerText(), /systemic latency to enter in Ardour: \d+ frames/);
  const before = await page.locator('[data-testid="latency-total"]').innerText();
  assert.match(before, /Round trip \(model\): \d+\.\d\d ms/);
  await page.locator('[data-testid="quantum-slider"]').fill('8');
  await page.waitForFunction((text) => {
    const now = document.querySelector('[data-testid="latency-total"]')?.textContent ?? '';
    return now !== '' && now !== text;
  }, before);
  assert.equal(await page.locator('[data-testid="quantum-value"]').innerText(), '256 frames');
  await page.screenshot({ path: path.join(shots, 'latency.png'), fullPage: true });

  // Profile: the schema refuses quantum 33 in the form itself.
  await openPage(page, 'profile');
  const quantum = page.locator('input[name="pipewire.quantum"]');
  await quantum.fill('33');
  const fieldError = page.locator('[data-field="pipewire.quantum"] .field-error');
  await fieldError.waitFor();
  assert.match(await fieldError.innerText(), /pipewire\.quantum = 33: must be a power of two/);
  assert.equal(await page.locator('[data-testid="dry-run"]').isDisabled(), true, 'no dry run of an invalid profile');
  await page.screenshot({ path: path.join(shots, 'profile-invalid.png'), fullPage: true });
  await quantum.fill('64');
  await page.waitForFunction(() => /Valid profile/.test(document.querySelector('[data-testid="validation"]')?.textContent ?? ''));
  assert.match(await page.locator('[data-testid="diff"]').innerText(), /- pipewire\.quantum: 32\s+\+ pipewire\.quantum: 64/);
  assert.equal(await page.locator('[data-testid="switch"]').isDisabled(), true, 'switch waits for a passing dry run');
  await page.click('[data-testid="dry-run"]');
  await page.locator('[data-testid="apply-output"]').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-testid="apply-output"]').innerText(), /archibald apply --dry-run --file/);
  await page.screenshot({ path: path.join(shots, 'profile.png'), fullPage: true });

  // Apply live (through `archibald apply --live`, after an explicit confirmation): the running graph follows.
  await page.click('[data-testid="live-apply"]');
  const confirm = page.locator('[data-testid="confirm"]');
  await confirm.waitFor();
  assert.equal(await confirm.locator('button.danger').isDisabled(), true, 'nothing happens before "I understand"');
  await confirm.locator('input[type="checkbox"]').check();
  await confirm.locator('button.danger').click();
  const liveOutput = page.locator('[data-testid="apply-output"][data-command^="archibald apply --live --file"]');
  await liveOutput.waitFor({ timeout: 30_000 });
  assert.equal(await liveOutput.getAttribute('data-exit'), '0', await liveOutput.innerText());
  assert.match(await liveOutput.innerText(), /succeeded/);
  await openPage(page, 'live');
  await page.waitForFunction(() => document.querySelector('[data-testid="live-quantum"]')?.textContent === '64', undefined, { timeout: 15_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(shots, 'live-after-apply.png'), fullPage: true });

  // Bench: a real 2 s cyclictest run with its progress bar, then the histogram.
  await openPage(page, 'bench');
  assert.match(await page.locator('[data-testid="rtl-result"]').innerText(), new RegExp(`${measuredMs.toFixed(2).replace('.', '\\.')} ms`), 'the saved bench rtl result is listed');
  await page.fill('input[name="duration"]', '2');
  await page.click('[data-testid="bench-start"]');
  await page.locator('[role="progressbar"]').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="rt-result"] [data-testid="rt-histogram"] .uplot').first().waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-testid="bench-job"]').innerText(), /archibald bench rt --load none --duration 2/);
  await page.screenshot({ path: path.join(shots, 'bench.png'), fullPage: true });

  // Then a real 2 s `bench xruns` on the test daemon: the session's DSP load and xrun timeline.
  await page.check('input[name="kind"] >> nth=1');
  await page.fill('input[name="duration"]', '2');
  await page.click('[data-testid="bench-start"]');
  await page.locator('[data-testid="xruns-result"] [data-testid="xrun-timeline"] .uplot').first().waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-testid="bench-job"]').innerText(), /archibald bench xruns --backend pipewire --duration 2/);
  assert.match(await page.locator('[data-testid="xruns-result"]').first().innerText(), /\d+ xruns in [1-9]\d* cycles/);
  await page.screenshot({ path: path.join(shots, 'bench-xruns.png'), fullPage: true });

  // The API without the session, and with it from a foreign Origin.
  const anonymous = await page.evaluate(async () => (await fetch('/api/info', { credentials: 'omit' })).status);
  assert.equal(anonymous, 401);
  const cookie = (await browser.context.cookies(base.origin)).map((c) => `${c.name}=${c.value}`).join('; ');
  assert.equal((await rawRequest(port, '/api/info', { headers: { Cookie: cookie } })).status, 200);
  assert.equal((await rawRequest(port, '/api/info', { headers: { Cookie: cookie, Origin: 'http://evil.example' } })).status, 403);
  assert.equal((await rawRequest(port, '/api/info', { headers: { Cookie: cookie, Host: `rebind.example:${port}` } })).status, 403);
  assert.deepEqual(pageErrors, [], 'no script errors in the pages');

  // A page from another local program (same site for SameSite: only the port differs, so the
  // browser does send the cookie) tries to start a benchmark: the Origin check refuses it.
  const attacker = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(`<script>
      fetch('${base.origin}/api/bench', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{"kind":"rt","durationS":5}' });
    </script>`);
  });
  const attackerPort = await new Promise<number>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve((attacker.address() as AddressInfo).port)));
  t.after(() => attacker.close());
  const evil = await browser.context.newPage();
  const refused = evil.waitForResponse((response) => response.url() === `${base.origin}/api/bench`);
  await evil.goto(`http://127.0.0.1:${attackerPort}/`);
  assert.equal((await refused).status(), 403);
  const jobAfter = (await rawRequest(port, '/api/bench', { headers: { Cookie: cookie } })).json() as { busy: boolean; job: { kind: string } };
  assert.equal(jobAfter.busy, false, 'nothing was started');
  assert.equal(jobAfter.job.kind, 'bench-xruns', 'the last job is still the one started from the console');

  // Ctrl-C stops the console cleanly.
  const stopped = await server.stop('SIGINT', 5000);
  assert.deepEqual(stopped, { code: 0, signal: null }, server.output().stderr);
});

test('the printed address also works when clicked on a page of another site (the new cookie is not withheld)', async (t) => {
  if (!needTools(t, ['chromium'])) return;
  const server = startProcess([process.execPath, bin, 'console', '--port', '0', '--no-open']);
  t.after(() => server.stop('SIGKILL'));
  const url = await consoleUrl(server);
  // localhost and 127.0.0.1 are different sites: a link in a web mail or chat is like this.
  const other = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(`<a id="open" href="${url}">open the console</a>`);
  });
  const otherPort = await new Promise<number>((resolve) => other.listen(0, '127.0.0.1', () => resolve((other.address() as AddressInfo).port)));
  t.after(() => other.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  await page.goto(`http://localhost:${otherPort}/`);
  await page.click('#open');
  await page.waitForSelector('main[data-page-id="status"]', { timeout: 15_000 });
  assert.equal(page.url(), `${new URL(url).origin}/`);
  assert.deepEqual(await server.stop('SIGINT', 5000), { code: 0, signal: null });
});
