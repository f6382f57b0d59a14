import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { checkProfile, parseProfile } from '../../src/profile/load.js';
import { profileJsonSchema, profileSchema } from '../../src/profile/schema.js';
import { archibald, REPO } from './cli.js';

const profilesDir = path.join(REPO, 'profiles');
const base = JSON.parse(readFileSync(path.join(profilesDir, 'default.json'), 'utf8')) as Record<string, Record<string, unknown>>;

test('every shipped profile validates, and the named variants exist', () => {
  const files = readdirSync(profilesDir).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'));
  for (const wanted of ['default.json', 'studio.json', 'live.json', 'safe.json', 'laptop.json']) assert.ok(files.includes(wanted), `${wanted} is missing`);
  for (const file of files) {
    const result = parseProfile(readFileSync(path.join(profilesDir, file), 'utf8'), file);
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.ok && `${result.profile.name}.json`, file === 'default.json' ? 'studio.json' : file, 'a profile is named after its file');
  }
});

test('studio is the seed default byte for byte; the variants keep their promises', () => {
  assert.equal(readFileSync(path.join(profilesDir, 'studio.json'), 'utf8'), readFileSync(path.join(profilesDir, 'default.json'), 'utf8'));
  const load = (name: string) => profileSchema.parse(JSON.parse(readFileSync(path.join(profilesDir, `${name}.json`), 'utf8')));
  const [studio, live, safe, laptop] = ['studio', 'live', 'safe', 'laptop'].map(load) as [ReturnType<typeof load>, ReturnType<typeof load>, ReturnType<typeof load>, ReturnType<typeof load>];
  assert.deepEqual([studio.pipewire.rate, studio.pipewire.quantum, studio.limits.rtprio, studio.limits.nice, studio.sysctl.swappiness], [48000, 32, 95, -19, 0]);
  assert.ok(live.pipewire.quantum <= 32 && live.device.periods === 2 && live.kernel.isolatedCpus !== null && live.kernel.mode === 'rt');
  assert.equal(safe.pipewire.quantum, 256);
  assert.ok(laptop.cpu.governor !== 'performance' && laptop.usbAudio.autosuspend);
});

test('profiles/profile.schema.json is the schema generated from src/profile/schema.ts', async () => {
  const checkedIn = readFileSync(path.join(profilesDir, 'profile.schema.json'), 'utf8');
  assert.equal(checkedIn, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`, 'stale: run `node bin/archibald.js profile schema > profiles/profile.schema.json`');
  const printed = await archibald(['profile', 'schema']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(printed.stdout, checkedIn);
});

/** [label, mutation, the exact message] — one line naming the key, the value and what is allowed. */
const BAD_VALUES: Array<[string, (p: Record<string, Record<string, unknown>>) => void, string]> = [
  ['quantum not a power of two', (p) => void (p.pipewire!.quantum = 33), 'pipewire.quantum = 33: must be a power of two in 16..8192 (frames)'],
  ['quantum too small', (p) => void (p.pipewire!.quantum = 8), 'pipewire.quantum = 8: must be a power of two in 16..8192 (frames)'],
  ['quantum as a string', (p) => void (p.pipewire!.quantum = '32'), 'pipewire.quantum = "32": must be a power of two in 16..8192 (frames)'],
  ['rate not standard', (p) => void (p.pipewire!.rate = 47000), 'pipewire.rate = 47000: must be one of 44100, 48000, 88200, 96000, 176400, 192000'],
  ['allowed rate not standard', (p) => void (p.pipewire!.allowedRates = [48000, 22050]), 'pipewire.allowedRates.1 = 22050: must be one of 44100, 48000, 88200, 96000, 176400, 192000'],
  ['rate not allowed', (p) => void (p.pipewire!.allowedRates = [44100]), 'pipewire.allowedRates = [44100]: must include pipewire.rate (48000)'],
  ['quantum outside min..max', (p) => void (p.pipewire!.quantum = 2048), 'pipewire.quantum = 2048: must lie within pipewire.minQuantum..pipewire.maxQuantum (32..1024)'],
  ['min above max', (p) => void (p.pipewire!.minQuantum = 2048), 'pipewire.minQuantum = 2048: must not exceed pipewire.maxQuantum (1024)'],
  ['cpu list descending', (p) => void (p.kernel!.isolatedCpus = '3-1'), 'kernel.isolatedCpus = "3-1": must be null or a CPU list such as "2", "2-3" or "1,3-5" with ascending ranges'],
  ['cpu list syntax', (p) => void (p.kernel!.isolatedCpus = 'two'), 'kernel.isolatedCpus = "two": must be null or a CPU list such as "2", "2-3" or "1,3-5" with ascending ranges'],
  ['kernel mode', (p) => void (p.kernel!.mode = 'preempt'), 'kernel.mode = "preempt": must be one of rt, lowlatency'],
  ['governor', (p) => void (p.cpu!.governor = 'turbo'), 'cpu.governor = "turbo": must be one of performance, schedutil, ondemand, conservative, powersave'],
  ['periods', (p) => void (p.device!.periods = 1), 'device.periods = 1: must be a whole number in 2..8'],
  ['device type', (p) => void (p.device!.type = 'firewire'), 'device.type = "firewire": must be one of usb, pci'],
  ['rtprio', (p) => void (p.limits!.rtprio = 100), 'limits.rtprio = 100: must be a whole number in 1..99'],
  ['memlock', (p) => void (p.limits!.memlock = 'lots'), 'limits.memlock = "lots": must be "unlimited" or a positive whole number of KiB'],
  ['boolean', (p) => void (p.usbAudio!.autosuspend = 'no'), 'usbAudio.autosuspend = "no": must be true or false'],
  ['rtirq name', (p) => void (p.rtirq!.nameList = ['snd', 'usb audio']), 'rtirq.nameList.1 = "usb audio": must be a single word of letters, digits, "_", ".", ":" or "-"'],
  ['prio order', (p) => void (p.rtirq!.prioLow = 95), 'rtirq.prioLow = 95: must not exceed rtirq.prioHigh (90)'],
  ['swappiness', (p) => void (p.sysctl!.swappiness = -1), 'sysctl.swappiness = -1: must be a whole number in 0..200'],
  ['missing field', (p) => void delete p.cpu!.governor, 'cpu.governor is missing: must be one of performance, schedutil, ondemand, conservative, powersave'],
  ['missing section', (p) => void delete p.sysctl, 'sysctl is missing: must be an object with swappiness, maxUserWatches'],
  ['unknown field', (p) => void (p.kernel!.preempt = 'full'), 'kernel.preempt: unknown key; kernel has mode, threadirqs, isolatedCpus'],
  ['mistyped field', (p) => void ((p.kernel as Record<string, unknown>).threadirq = true), 'kernel.threadirq: unknown key (did you mean kernel.threadirqs?); kernel has mode, threadirqs, isolatedCpus'],
  ['version', (p) => void ((p as Record<string, unknown>).version = 2), 'version = 2: must be 1'],
  ['name', (p) => void ((p as Record<string, unknown>).name = 'My Rig'), 'name = "My Rig": must be lower-case letters, digits and "-", starting with a letter, up to 32 characters'],
];

test('each bad value gives exactly one line naming the key, the value and what is allowed', () => {
  for (const [label, mutate, expected] of BAD_VALUES) {
    const profile = structuredClone(base);
    mutate(profile);
    const result = checkProfile(profile, 'p.json');
    assert.equal(result.ok ? 'accepted' : result.message, `p.json: ${expected}`, label);
  }
});

test('`profile validate` prints those lines, one per bad value, and exits 2', async (t) => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-validate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bad.json');
  const profile = structuredClone(base);
  profile.pipewire!.quantum = 33;
  profile.cpu!.governor = 'turbo';
  await writeFile(file, JSON.stringify(profile));
  const result = await archibald(['profile', 'validate', file]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.equal(
    result.stderr,
    `archibald: ${file}: pipewire.quantum = 33: must be a power of two in 16..8192 (frames)\n` +
      `archibald: ${file}: cpu.governor = "turbo": must be one of performance, schedutil, ondemand, conservative, powersave\n`,
  );
  const json = await archibald(['profile', 'validate', file, '--json']);
  assert.equal(json.code, 2);
  assert.deepEqual(JSON.parse(json.stdout), {
    file,
    valid: false,
    errors: ['pipewire.quantum = 33: must be a power of two in 16..8192 (frames)', 'cpu.governor = "turbo": must be one of performance, schedutil, ondemand, conservative, powersave'],
  });
  const good = await archibald(['profile', 'validate', path.join(profilesDir, 'live.json')]);
  assert.deepEqual([good.code, good.stdout], [0, `${path.join(profilesDir, 'live.json')}: valid\n`]);
});

test('parseProfile never throws on arbitrary text, and names the source on failure', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('latin1'))), (text) => {
      const result = parseProfile(text, 'x.json');
      if (!result.ok) {
        assert.ok(result.message.startsWith('x.json'));
        assert.ok(!result.message.includes('\n'), 'one line');
      }
    }),
    { numRuns: 500 },
  );
});

test('random mutations of a valid profile are reported in one line, never thrown', () => {
  const sections = Object.keys(base).filter((key) => typeof base[key] === 'object' && base[key] !== null);
  fc.assert(
    fc.property(fc.constantFrom(...sections), fc.string({ maxLength: 12 }), fc.jsonValue(), (section, field, value) => {
      const profile = structuredClone(base);
      const keys = Object.keys(profile[section] as object);
      const key = keys.includes(field) || field === '' ? (keys[field.length % keys.length] as string) : field;
      (profile[section] as Record<string, unknown>)[key] = value;
      const result = checkProfile(profile, 'p');
      if (!result.ok) assert.ok(!result.message.includes('\n') && result.message.includes(section));
    }),
    { numRuns: 500 },
  );
});
