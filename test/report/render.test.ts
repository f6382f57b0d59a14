import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ReportData } from '../../src/report/gather.js';
import { reportMarkdown, reportPage } from '../../src/report/render.js';

const fixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;

function data(results: ReportData['results'], overrides: Partial<ReportData['identity']> = {}): ReportData {
  return {
    generatedAt: '2026-11-24T01:00:00.000Z',
    identity: {
      hostname: 'studio',
      os: 'NixOS 25.11 (Xantusia)',
      nixosVersion: { ok: true, value: '25.11.20261120.8fd9daa (Xantusia)' },
      kernel: { ok: true, value: '6.12.58-rt15' },
      cpu: { ok: true, value: { model: 'AMD Ryzen 7 7700', logicalCpus: 16 } },
      soundCards: { ok: true, value: [{ index: 1, id: 'USB', driver: 'USB-Audio', name: 'Scarlett | 2i2', longName: null }] },
      ...overrides,
    },
    doctor: { ok: false, reason: 'not run in this test' },
    profile: { ok: false, reason: 'profile /x does not exist' },
    latency: { ok: false, reason: 'archibald: profile /x does not exist' },
    results,
  };
}

test('a minimal xruns document (only the contract fields) still gets a timeline spanning the session', async () => {
  const page = reportPage(data({ rt: null, rtl: null, xruns: { file: 'bench-xruns-1.json', document: await fixture('bench-xruns-minimal.json') } }));
  const section = page.sections.find((s) => s.heading.startsWith('Xruns'));
  const chart = section?.charts?.[0];
  assert.ok(chart !== undefined);
  assert.deepEqual(chart.x, [0, 4.21, 17.9, 18.02, 30]);
  assert.deepEqual(chart.series[0]?.values, [null, 1, 1, 1, null]);
  assert.match(section?.html ?? '', /<b>3<\/b> xruns in 5625 cycles/);
});

test('captured bench documents are drawn by the benches\' own page code', async () => {
  const page = reportPage(
    data({ rt: { file: 'rt.json', document: await fixture('bench-rt.json') }, rtl: null, xruns: { file: 'x.json', document: await fixture('bench-xruns-captured.json') } }),
  );
  const headings = page.sections.map((s) => s.heading);
  assert.ok(headings.includes('Scheduling latency: Latency histogram'), headings.join(' | '));
  assert.ok(headings.some((h) => h.startsWith('Xruns: ')), headings.join(' | '));
  assert.ok(!headings.includes('Benchmarks'));
});

test('no results, no doctor, no profile: the report says why for each, and the Markdown stays a valid table', async () => {
  const page = reportPage(data({ rt: null, rtl: null, xruns: null }, { kernel: { ok: false, reason: 'uname exited with code 1' } }));
  const html = page.sections.map((s) => s.html ?? '').join('');
  assert.match(html, /No benchmark results saved yet/);
  assert.match(html, /The doctor could not run: not run in this test/);
  assert.match(html, /profile \/x does not exist/);
  assert.ok(page.sections.some((section) => section.heading === 'Latency model'));
  assert.match(html, /archibald: profile \/x does not exist/, 'the latency model says why it is missing');
  const markdown = reportMarkdown(data({ rt: null, rtl: null, xruns: null }), '/tmp/r.html');
  assert.match(markdown, /\| Audio devices \| 1: Scarlett \\\| 2i2 \[USB, USB-Audio\] \|/, 'a pipe in a device name does not break the table');
  assert.match(markdown, /\| nixos-version \| 25\.11\.20261120\.8fd9daa \(Xantusia\) \|/);
  assert.match(markdown, /_No benchmark results saved yet._/);
  assert.doesNotMatch(markdown, /<details>/, 'no profile, no profile block');
});

test('a saved document the bench code can no longer draw (an older format) falls back to the generic section', async () => {
  const document = (await fixture('bench-xruns-captured.json')) as { monitorCpu?: unknown };
  delete document.monitorCpu;
  const page = reportPage(data({ rt: null, rtl: null, xruns: { file: 'old.json', document } }));
  const section = page.sections.find((s) => s.heading === 'Xruns (bench xruns)');
  assert.ok(section !== undefined, page.sections.map((s) => s.heading).join(' | '));
  assert.equal(section.charts?.length, 1);
});
