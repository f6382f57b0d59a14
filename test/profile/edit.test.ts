import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffProfiles, parseValueText, setAtKey } from '../../src/profile/edit.js';
import { withLock } from '../../src/profile/store.js';
import { writeFileAtomic as writeAtomic } from '../../src/system/index.js';
import { archibald, REPO } from './cli.js';

const DEFAULT = path.join(REPO, 'profiles/default.json');

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-profile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'profile.json');
  await copyFile(DEFAULT, file);
  return { dir, file };
}

test('VALUE is JSON when it parses, else a string; keys must exist', () => {
  assert.deepEqual([32, true, null, [48000], 'performance', '2-3'], ['32', 'true', 'null', '[48000]', 'performance', '"2-3"'].map(parseValueText));
  const profile = { pipewire: { quantum: 32 }, name: 'x' };
  assert.deepEqual(setAtKey(profile, 'pipewire.quantum', 64), { pipewire: { quantum: 64 }, name: 'x' });
  assert.equal(profile.pipewire.quantum, 32, 'the input is not modified');
  assert.throws(() => setAtKey(profile, 'pipewire.quantm', 64), { message: 'pipewire.quantm: unknown key (did you mean pipewire.quantum?); pipewire has quantum' });
  // A bare field name finds its full key; a name nothing resembles gets no guess.
  assert.throws(() => setAtKey(profile, 'quantum', 64), { message: 'quantum: unknown key (did you mean pipewire.quantum?); the profile has pipewire, name' });
  assert.throws(() => setAtKey(profile, 'colour', 1), { message: 'colour: unknown key; the profile has pipewire, name' });
  assert.throws(() => setAtKey(profile, 'name.first', 'a'), { message: 'name is a value, not a section; set it directly' });
  assert.throws(() => setAtKey(profile, 'pipewire..quantum', 1), /is not a profile key/);
});

test('diff lists changed, added and removed fields, lists compared whole', () => {
  const a = { name: 'a', pipewire: { quantum: 32, allowedRates: [44100, 48000] }, cpu: { governor: 'performance' } };
  const b = { name: 'a', pipewire: { quantum: 64, allowedRates: [48000, 44100] }, extra: { x: 1 } };
  assert.deepEqual(diffProfiles(a, b), [
    { key: 'pipewire.quantum', from: 32, to: 64 },
    { key: 'pipewire.allowedRates', from: [44100, 48000], to: [48000, 44100] },
    { key: 'cpu.governor', from: 'performance', to: undefined },
    { key: 'extra.x', from: undefined, to: 1 },
  ]);
});

test('a crash between write and rename leaves the old file intact (in-process hook)', async (t) => {
  const { dir, file } = await scratch(t);
  const before = await readFile(file);
  await assert.rejects(
    writeAtomic(file, '{"half": ', {
      backup: true,
      hooks: {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      },
    }),
    /simulated crash/,
  );
  assert.deepEqual(await readFile(file), before);
  assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), [], 'the temporary file is cleaned up');
});

test('a process killed between write and rename leaves the old file intact', async (t) => {
  const { dir, file } = await scratch(t);
  const before = await readFile(file);
  const result = await archibald(['profile', 'set', 'pipewire.quantum', '64', '--file', file], { env: { ARCHIBALD_FAULT: 'crash-before-rename' } });
  assert.equal(result.signal, 'SIGKILL', `the process should have died mid-write: ${result.stderr}`);
  assert.deepEqual(await readFile(file), before, 'the profile is byte for byte the old one');
  const leftovers = await readdir(dir);
  assert.ok(leftovers.some((name) => name.endsWith('.tmp')), 'the new content reached only the temporary file');
  // The dead writer's lock is taken over, so the next edit goes through.
  const next = await archibald(['profile', 'set', 'pipewire.quantum', '64', '--file', file]);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(JSON.parse(await readFile(file, 'utf8')).pipewire.quantum, 64);
  assert.deepEqual(await readFile(`${file}.bak`), before);
  assert.deepEqual((await readdir(dir)).sort(), ['profile.json', 'profile.json.bak'], "the dead writer's temporary file is cleaned up");
});

test('a rejected edit leaves the file untouched byte for byte and writes no backup', async (t) => {
  const { dir, file } = await scratch(t);
  // Unusual formatting on purpose: a rewrite would change these bytes.
  const original = (await readFile(file, 'utf8')).replace('"quantum": 32', '"quantum":    32');
  await writeFile(file, original);
  for (const [key, value, message] of [
    ['pipewire.quantum', '48', `archibald: ${file}: pipewire.quantum = 48: must be a power of two in 16..8192 (frames)\n  ${file} is unchanged\n`],
    ['cpu.governor', 'turbo', `archibald: ${file}: cpu.governor = "turbo": must be one of performance, schedutil, ondemand, conservative, powersave\n  ${file} is unchanged\n`],
    ['pipewire.latency', '1', 'archibald: pipewire.latency: unknown key; pipewire has rate, allowedRates, quantum, minQuantum, maxQuantum, jackBridge\n'],
  ] as const) {
    const result = await archibald(['profile', 'set', key, value, '--file', file]);
    assert.deepEqual([result.code, result.stdout, result.stderr], [2, '', message], key);
    assert.equal(await readFile(file, 'utf8'), original);
  }
  assert.deepEqual((await readdir(dir)).sort(), ['profile.json']);
});

test('a successful set keeps the previous version as FILE.bak and reports the change', async (t) => {
  const { file } = await scratch(t);
  const before = await readFile(file, 'utf8');
  const result = await archibald(['profile', 'set', 'kernel.isolatedCpus', '2-3', '--file', file, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { file, key: 'kernel.isolatedCpus', from: null, to: '2-3', backup: `${file}.bak` });
  assert.equal(await readFile(`${file}.bak`, 'utf8'), before);
  const shown = await archibald(['profile', 'show', '--file', file, '--json']);
  assert.equal(JSON.parse(shown.stdout).kernel.isolatedCpus, '2-3');
});

test('ten concurrent `profile set` processes lose no update', async (t) => {
  const { file } = await scratch(t);
  const edits: Array<[string, string]> = [
    ['pipewire.quantum', '64'],
    ['pipewire.jackBridge', 'false'],
    ['device.periods', '3'],
    ['limits.rtprio', '88'],
    ['limits.nice', '-11'],
    ['rtirq.prioDecr', '4'],
    ['cpu.governor', 'schedutil'],
    ['sysctl.swappiness', '10'],
    ['usbAudio.autosuspend', 'true'],
    ['kernel.isolatedCpus', '1'],
  ];
  const results = await Promise.all(edits.map(([key, value]) => archibald(['profile', 'set', key, value, '--file', file])));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [key, value] of edits) {
    const [section, field] = key.split('.') as [string, string];
    // A CPU list is a string: `1` falls back to "1" because the number 1 is not valid there.
    assert.deepEqual(after[section]?.[field], key === 'kernel.isolatedCpus' ? value : parseValueText(value), `${key} was lost`);
  }
  assert.equal((await readdir(path.dirname(file))).filter((name) => name.endsWith('.lock') || name.endsWith('.tmp')).length, 0);
});

test('withLock serialises read-modify-write cycles in one process too', async (t) => {
  const { dir } = await scratch(t);
  const counter = path.join(dir, 'counter');
  await writeFile(counter, '0');
  await Promise.all(
    Array.from({ length: 20 }, () =>
      withLock(counter, async () => {
        const value = Number(await readFile(counter, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 2));
        await writeAtomic(counter, String(value + 1));
      }),
    ),
  );
  assert.equal(await readFile(counter, 'utf8'), '20');
});

test('`profile use NAME` copies the shipped profile; unknown names and the shipped file itself are refused', async (t) => {
  const { file } = await scratch(t);
  const used = await archibald(['profile', 'use', 'live', '--file', file]);
  assert.equal(used.code, 0, used.stderr);
  assert.equal(await readFile(file, 'utf8'), await readFile(path.join(REPO, 'profiles/live.json'), 'utf8'));
  const unknown = await archibald(['profile', 'use', 'turbo', '--file', file]);
  assert.deepEqual([unknown.code, unknown.stderr], [2, 'archibald: no shipped profile named "turbo"; choose one of default, laptop, live, safe, studio\n']);
  const shipped = await archibald(['profile', 'set', 'pipewire.quantum', '64']);
  assert.equal(shipped.code, 2);
  assert.match(shipped.stderr, /^archibald: no profile file to edit: the active profile is the shipped .*profiles\/default\.json\n/);
});

test('`profile diff` compares the active profile with its shipped original, or two names', async (t) => {
  const { file } = await scratch(t);
  assert.equal((await archibald(['profile', 'set', 'pipewire.quantum', '64', '--file', file])).code, 0);
  const own = await archibald(['profile', 'diff', '--file', file, '--json']);
  assert.deepEqual(JSON.parse(own.stdout).differences, [{ key: 'pipewire.quantum', from: 64, to: 32 }]);
  const names = await archibald(['profile', 'diff', 'studio', 'safe', '--json']);
  const keys = (JSON.parse(names.stdout).differences as Array<{ key: string }>).map((d) => d.key);
  assert.deepEqual(keys, ['name', 'description', 'kernel.mode', 'pipewire.quantum', 'pipewire.minQuantum', 'pipewire.maxQuantum', 'device.periods']);
  const human = await archibald(['profile', 'diff', 'studio', 'default']);
  assert.match(human.stdout, /agree on every field/);
});

test('setAtKey on random keys and values either edits or refuses with a usage error', async () => {
  const fc = (await import('fast-check')).default;
  const { ArchibaldError } = await import('../../src/errors.js');
  const profile = JSON.parse(await readFile(DEFAULT, 'utf8')) as unknown;
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.constantFrom('pipewire.quantum', 'cpu', 'kernel.mode.x', 'version', '$schema')), fc.jsonValue(), (key, value) => {
      try {
        const edited = setAtKey(profile, key, value as never);
        assert.deepEqual(diffProfiles(profile as never, edited).map((d) => d.key).every((changed) => changed.startsWith(key)), true);
      } catch (error) {
        assert.ok(error instanceof ArchibaldError && error.exitCode === 2 && !error.message.includes('\n'), String(error));
      }
    }),
    { numRuns: 500 },
  );
});
