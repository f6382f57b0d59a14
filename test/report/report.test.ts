import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/system/run.js';
import { needTools } from '../helpers/tools.js';
import { artifactsDir, renderOffline } from '../helpers/browser.js';

const bin = path.resolve('bin/archibald.js');
const fixtures = path.resolve('test/report/fixtures');

async function stateWith(results: Record<string, string>): Promise<string> {
  const state = await mkdtemp(path.join(tmpdir(), 'archibald-report-state-'));
  await mkdir(path.join(state, 'results'), { recursive: true });
  // Named the way src/system/state.ts saveResult names them.
  for (const [kind, fixture] of Object.entries(results)) await copyFile(path.join(fixtures, fixture), path.join(state, 'results', `${kind}-2026-11-24T01-00-00-000Z.json`));
  return state;
}

test('report: HTML with the latest bench plots (renders offline in Chromium) and a Markdown summary', async (t) => {
  if (!needTools(t, ['chromium'])) return;
  // Captured from real runs: `bench rt --duration 2`, `bench xruns --duration 3` and `bench rtl` on a PipeWire null-sink loop.
  const state = await stateWith({ 'bench-rt': 'bench-rt.json', 'bench-xruns': 'bench-xruns-captured.json', 'bench-rtl': 'bench-rtl-captured.json' });
  const out = await mkdtemp(path.join(tmpdir(), 'archibald-report-out-'));
  t.after(() => Promise.all([rm(state, { recursive: true, force: true }), rm(out, { recursive: true, force: true })]));
  const html = path.join(out, 'report.html');
  const markdown = path.join(out, 'summary.md');
  const result = await run([process.execPath, bin, 'report', '--out', html, '--markdown', markdown], { timeoutMs: 30_000, env: { ...process.env, ARCHIBALD_STATE_DIR: state } });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stdout, `wrote ${html}\nwrote ${markdown}\n`);
  assert.deepEqual((await readdir(out)).sort(), ['report.html', 'summary.md'], 'atomic writes leave no temporary files');

  const summary = await readFile(markdown, 'utf8');
  assert.match(summary, /^### ArchibaldOS system report/);
  assert.match(summary, /\| uname -r \| \S+/);
  assert.match(summary, /\| CPU \| .+ × \d+ logical CPUs \|/);
  assert.match(summary, /\*\*bench rt\*\* .*: fail, max 1455 µs, p99 \d+ µs/);
  const xruns = JSON.parse(await readFile(path.join(fixtures, 'bench-xruns-captured.json'), 'utf8')) as { xruns: number; cycles: number; durationS: number };
  assert.ok(summary.includes(`**bench xruns** (\`bench-xruns-2026-11-24T01-00-00-000Z.json\`): ${xruns.xruns} xruns in ${xruns.cycles} cycles`), summary);
  assert.ok(summary.includes(`over ${xruns.durationS} s`));
  assert.match(summary, /\*\*bench rtl\*\* .*: round trip 5\.333 ms \(256\.00 frames\)/);
  assert.match(summary, /\d+ pass, \d+ warn, \d+ fail, \d+ skip/);
  assert.match(summary, /\*\*Latency model\*\*\n\n\d+\.\d{3} ms round trip \(\d+ frames\) at 48000 Hz, quantum 32\nmeasured 5\.333 ms; systemic latency \d+ frames/);

  const rendered = await renderOffline(html, path.join(artifactsDir('report'), 'report.png'));
  assert.deepEqual(rendered.blocked, [], 'the report fetched nothing from the network');
  assert.ok(rendered.charts >= 3, `expected the rt histogram and the xruns charts, found ${rendered.charts} charts`);
  assert.equal(rendered.ready, String(rendered.charts));
  assert.match(rendered.text, /Scheduling latency/);
  assert.match(rendered.text, /Xrun timeline|Xruns/);
  assert.match(rendered.text, /Doctor/);
  assert.match(rendered.text, /systemic latency to enter in Ardour/);
  assert.match(rendered.text, /"quantum": 32/, 'the profile is in the report');
});

test('report without any bench results says so, prints Markdown on stdout, and exits 0', async (t) => {
  if (!needTools(t, ['chromium'])) return;
  const state = await stateWith({});
  const out = await mkdtemp(path.join(tmpdir(), 'archibald-report-out-'));
  t.after(() => Promise.all([rm(state, { recursive: true, force: true }), rm(out, { recursive: true, force: true })]));
  const html = path.join(out, 'report.html');
  const result = await run([process.execPath, bin, 'report', '--out', html], { timeoutMs: 30_000, env: { ...process.env, ARCHIBALD_STATE_DIR: state } });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /_No benchmark results saved yet._/);
  assert.match(result.stderr, /wrote .*report\.html/);
  const rendered = await renderOffline(html, null);
  assert.equal(rendered.charts, 0);
  assert.match(rendered.text, /No benchmark results saved yet/);
});

test('report into a path it cannot write is one clear line and exit 2, nothing written', async (t) => {
  const out = await mkdtemp(path.join(tmpdir(), 'archibald-report-out-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  // A regular file where the folder should be.
  await writeFile(path.join(out, 'not-a-dir'), 'x');
  const target = path.join(out, 'not-a-dir', 'report.html');
  const result = await run([process.execPath, bin, 'report', '--out', target], { timeoutMs: 30_000 });
  assert.equal(result.exitCode, 2);
  assert.equal(result.stderr, `archibald: cannot write the HTML report to ${target}: its folder is not a folder\n`);
  assert.equal(result.stdout, '', 'no Markdown is printed when the HTML could not be written');
  assert.deepEqual(await readdir(out), ['not-a-dir']);
});
