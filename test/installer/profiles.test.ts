/**
 * The one profile list both installers offer: `archibald install --list-profiles` (headless), and
 * the Calamares profile page generated from it (`--calamares-page`, parsed here as Calamares' YAML
 * reader would). The round trips must be what `archibald latency` says for each profile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { needCondition, needTools } from '../helpers/tools.js';
import { parseProfile, type Profile } from '../../src/profile/index.js';
import { listProfiles, profileListSchema, renderCalamaresPage, type ProfileList } from '../../src/installer/profiles.js';
import { REPO, runCli } from './helpers.js';

const bundled = (id: string): Profile => {
  const parsed = parseProfile(readFileSync(path.join(REPO, 'profiles', `${id}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.profile;
};

function listed(args: string[] = []): ProfileList {
  const result = runCli(['install', '--list-profiles', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return profileListSchema.parse(JSON.parse(result.stdout));
}

test('--list-profiles --json lists every bundled profile once, lowest latency first, default.json as an alias of studio', () => {
  const list = listed();
  assert.equal(list.default, 'studio');
  assert.deepEqual(list.profiles.map((p) => [p.id, p.aliases]), [['live', []], ['studio', ['default']], ['laptop', []], ['safe', []]]);
  const live = list.profiles[0];
  assert.ok(live !== undefined);
  assert.deepEqual({ ...live, roundTripMs: undefined, summary: undefined }, {
    id: 'live',
    aliases: [],
    description: bundled('live').description,
    rate: 48000,
    quantum: 16,
    periods: 2,
    kernel: 'rt',
    isolatedCpus: '2-3',
    roundTripMs: undefined,
    summary: undefined,
  });
  assert.equal(live.summary, 'live: 16 frames at 48 kHz, 1.3 ms on PCI (2.0 ms on USB), PREEMPT_RT kernel, needs isolated CPUs 2-3');
  assert.equal(list.profiles[3]?.summary, 'safe: 256 frames at 48 kHz, 11.3 ms on PCI (18.0 ms on USB), low-latency kernel');
});

test('each round trip on the list is what `archibald latency` models for that profile, on PCI and on USB', () => {
  for (const entry of listed().profiles) {
    for (const device of ['pci', 'usb'] as const) {
      const result = runCli(['latency', '--file', path.join(REPO, 'profiles', `${entry.id}.json`), '--device', device, '--json']);
      assert.equal(result.code, 0, result.stderr);
      const budget = JSON.parse(result.stdout) as { totalMs: number; quantum: number; rate: number };
      assert.equal(entry.roundTripMs[device], budget.totalMs, `${entry.id} on ${device}`);
      assert.equal(entry.quantum, budget.quantum);
      assert.equal(entry.rate, budget.rate);
    }
  }
});

test('--profile picks the default the list (and the page) preselects; aliases resolve; an unknown name is exit 2', () => {
  assert.equal(listed(['--profile', 'default']).default, 'studio');
  assert.equal(listed(['--profile', 'live']).default, 'live');
  const unknown = runCli(['install', '--list-profiles', '--profile', 'live-sound']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.equal(unknown.stderr, 'archibald: profile "live-sound" is not a bundled profile (one of laptop, live, safe, studio)\n');
  const stray = runCli(['install', '--calamares-page']);
  assert.equal(stray.code, 2);
  assert.equal(stray.stderr, 'archibald: --calamares-page goes with --list-profiles\n');
});

test('the human listing names the default and the alias', () => {
  const result = runCli(['install', '--list-profiles']);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.equal(lines[0], 'live: 16 frames at 48 kHz, 1.3 ms on PCI (2.0 ms on USB), PREEMPT_RT kernel, needs isolated CPUs 2-3');
  assert.equal(lines[2], 'studio: 32 frames at 48 kHz, 2.0 ms on PCI (3.1 ms on USB), PREEMPT_RT kernel  [default; also "default"]');
});

/** Calamares reads its module configuration with a YAML parser; PyYAML stands in for yaml-cpp. */
function parseYaml(text: string): unknown {
  const result = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

interface Page {
  mode: string;
  method: string;
  labels: { step: string };
  default: string;
  items: Array<{ id: string; name: string; description: string; screenshot: string }>;
}

test('--calamares-page is a packagechooser configuration holding the same list, the default preselected', (t) => {
  if (!needTools(t, ['python3'])) return;
  const haveYaml = spawnSync('python3', ['-c', 'import yaml']).status === 0;
  if (!needCondition(t, haveYaml, 'PyYAML is not installed (python3-yaml)')) return;
  const result = runCli(['install', '--list-profiles', '--calamares-page', '--profile', 'live']);
  assert.equal(result.code, 0, result.stderr);
  const page = parseYaml(result.stdout) as Page;
  assert.equal(page.mode, 'required', 'exactly one profile');
  assert.equal(page.method, 'legacy', 'the choice goes to global storage for the archibald job');
  assert.deepEqual(page.labels, { step: 'Audio profile' });
  assert.equal(page.default, 'live');
  const list = listed(['--profile', 'live']);
  assert.deepEqual(page.items.map((item) => item.id), list.profiles.map((p) => p.id));
  const [live, studio] = page.items;
  assert.equal(live?.name, 'live: 16 frames, 1.3 ms');
  assert.match(live?.description ?? '', /^<html><b>16 frames at 48 kHz<\/b>, 2 periods<br\/>Modelled round trip: <b>1\.3 ms<\/b> with a PCI card, 2\.0 ms with a USB interface<br\/>PREEMPT_RT kernel<br\/>Reserves CPUs 2-3 for audio alone/);
  assert.equal(studio?.name, 'studio: 32 frames, 2.0 ms');
  assert.ok(!(studio?.description ?? '').includes('Reserves CPUs'), 'studio isolates no CPUs');
  for (const item of page.items) assert.equal(item.screenshot, 'logo.png');
});

test('listProfiles: only an identical file is an alias; a description with markup is escaped on the page', () => {
  const studio = bundled('studio');
  const tweaked: Profile = { ...studio, pipewire: { ...studio.pipewire, quantum: 64, minQuantum: 64 } };
  const differing = listProfiles([{ id: 'default', profile: tweaked }, { id: 'studio', profile: studio }], 'default');
  assert.ok(differing.ok);
  assert.deepEqual(differing.list.profiles.map((p) => [p.id, p.aliases]), [['studio', []], ['default', []]]);
  assert.equal(differing.list.default, 'default');

  const same = listProfiles([{ id: 'default', profile: { ...studio, $schema: './other.json' } }, { id: 'studio', profile: studio }], 'default');
  assert.ok(same.ok);
  assert.deepEqual(same.list.profiles.map((p) => [p.id, p.aliases]), [['studio', ['default']]]);
  assert.equal(same.list.default, 'studio');

  const missing = listProfiles([{ id: 'studio', profile: studio }], 'live');
  assert.deepEqual(missing, { ok: false, message: 'profile "live" is not a bundled profile (one of studio)' });

  const marked = listProfiles([{ id: 'studio', profile: { ...studio, description: 'a <b> & "c"' } }], 'studio');
  assert.ok(marked.ok);
  const page = renderCalamaresPage(marked.list);
  assert.match(page, /a &lt;b&gt; &amp; \\"c\\"/);
});
