import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { z } from 'zod';
import { benchArgs, benchRequestSchema, latencyQuerySchema } from '../../src/console/api-schema.js';
import { fractionDone, parseProgressLine } from '../../src/bench/contract.js';
import { lastMessage, parseJsonDocument } from '../../src/console/progress.js';
import { buildCandidate, formSpec, initialRaw } from '../../src/console/web/profile-form.js';
import { profileSchema } from '../../src/profile/schema.js';

const defaultProfile = JSON.parse(await readFile(new URL('../../profiles/default.json', import.meta.url), 'utf8')) as unknown;
const sections = formSpec(z.toJSONSchema(profileSchema, { unrepresentable: 'any' }));

test('the form covers every field of the profile schema and round-trips the default profile', () => {
  const ids = sections.flatMap((section) => section.fields.map((field) => field.id));
  for (const id of ['name', 'pipewire.quantum', 'pipewire.rate', 'pipewire.allowedRates', 'kernel.isolatedCpus', 'limits.memlock', 'rtirq.nameList', 'usbAudio.autosuspend']) {
    assert.ok(ids.includes(id), `form has ${id}`);
  }
  const rate = sections.flatMap((s) => s.fields).find((field) => field.id === 'pipewire.rate');
  assert.equal(rate?.widget.kind, 'select');
  const quantum = sections.flatMap((s) => s.fields).find((field) => field.id === 'pipewire.quantum');
  assert.equal(quantum?.widget.kind, 'number', 'any quantum can be typed, so the schema can refuse it');
  const candidate = buildCandidate(defaultProfile, sections, initialRaw(defaultProfile, sections));
  assert.deepEqual(candidate, defaultProfile, 'an untouched form gives back the profile');
  assert.equal(profileSchema.safeParse(candidate).success, true);
});

test('a bad quantum typed in the form is rejected by the schema at pipewire.quantum', () => {
  const raw = { ...initialRaw(defaultProfile, sections), 'pipewire.quantum': '33' };
  const candidate = buildCandidate(defaultProfile, sections, raw);
  const parsed = profileSchema.safeParse(candidate);
  assert.equal(parsed.success, false);
  const paths = parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  assert.ok(paths.includes('pipewire.quantum'), paths.join(', '));
  const text = { ...initialRaw(defaultProfile, sections), 'pipewire.quantum': 'lots' };
  assert.equal(profileSchema.safeParse(buildCandidate(defaultProfile, sections, text)).success, false, 'text stays text and fails');
});

test('form conversions: empty CPU list is null, numeric memlock is a number, lists split on spaces and commas', () => {
  const raw = { ...initialRaw(defaultProfile, sections), 'kernel.isolatedCpus': '', 'limits.memlock': '4194304', 'rtirq.nameList': 'snd, usb  i8042' };
  const candidate = buildCandidate(defaultProfile, sections, raw) as { kernel: { isolatedCpus: unknown }; limits: { memlock: unknown }; rtirq: { nameList: unknown } };
  assert.equal(candidate.kernel.isolatedCpus, null);
  assert.equal(candidate.limits.memlock, 4194304);
  assert.deepEqual(candidate.rtirq.nameList, ['snd', 'usb', 'i8042']);
});

test('progress lines: the bench ndjson records parse, anything else is ignored', () => {
  const progress = parseProgressLine('{"elapsedS":3,"durationS":10,"maxUs":41}');
  assert.ok(progress !== null);
  assert.equal(fractionDone(progress), 0.3);
  assert.equal(parseProgressLine('archibald: warning'), null);
  assert.equal(parseProgressLine('{"elapsedS":-1,"durationS":10}'), null);
  assert.equal(parseProgressLine('{"elapsedS":1}'), null);
  assert.equal(lastMessage('{"elapsedS":1,"durationS":2}\narchibald: cyclictest is not installed\n{"elapsedS":2,"durationS":2}\n'), 'archibald: cyclictest is not installed');
  assert.equal(lastMessage('archibald: this is not NixOS\n  elsewhere, use --live\n'), 'archibald: this is not NixOS', 'the error, not its suggestion');
  assert.equal(lastMessage('some tool noise\n'), 'some tool noise');
  assert.deepEqual(parseJsonDocument('{"a":1}\n'), { ok: true, document: { a: 1 } });
  assert.equal(parseJsonDocument('[1]').ok, false);
  assert.equal(parseJsonDocument('').ok, false);
  fc.assert(
    fc.property(fc.string(), (line) => {
      parseProgressLine(line);
      parseJsonDocument(line);
      lastMessage(line);
    }),
  );
});

test('bench requests become fixed CLI argv; anything else is refused', () => {
  assert.deepEqual(benchArgs(benchRequestSchema.parse({ kind: 'tune', durationS: 30, dspPercent: 60 })), [
    'tune', '--hold', '30', '--load', 'none', '--dsp', '60', '--backend', 'pipewire', '--json', '--progress', 'ndjson',
  ]);
  assert.equal(benchRequestSchema.safeParse({ kind: 'tune', durationS: 30, dspPercent: 99 }).success, false);
  assert.deepEqual(benchArgs(benchRequestSchema.parse({ kind: 'rt', durationS: 5 })), ['bench', 'rt', '--load', 'none', '--duration', '5', '--json', '--progress', 'ndjson']);
  assert.deepEqual(benchArgs(benchRequestSchema.parse({ kind: 'xruns', durationS: 60, backend: 'jack' })), [
    'bench',
    'xruns',
    '--backend',
    'jack',
    '--duration',
    '60',
    '--json',
    '--progress',
    'ndjson',
  ]);
  for (const bad of [
    { kind: 'rt', durationS: 1 },
    { kind: 'rt', durationS: 5, load: 'everything' },
    { kind: 'rt', durationS: '5; rm -rf /' },
    { kind: 'shell', durationS: 5 },
    { kind: 'rt', durationS: 5, extra: '--out /etc' },
  ]) {
    assert.equal(benchRequestSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(latencyQuerySchema.safeParse({ quantum: '33' }).success, false);
  assert.equal(latencyQuerySchema.safeParse({ rate: '48001' }).success, false);
  assert.deepEqual(latencyQuerySchema.parse({ rate: '96000', quantum: '64' }), { rate: 96000, quantum: 64 });
});
