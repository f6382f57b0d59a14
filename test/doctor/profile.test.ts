/** The doctor's quick profile check agrees with the real schema wherever the schema says yes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { profileSchema } from '../../src/profile/schema.js';
import { BUNDLED_DEFAULT, doctorProfileProblem } from '../../src/doctor/profile.js';

const base = JSON.parse(readFileSync('profiles/default.json', 'utf8'));

test('the bundled default is the shipped profiles/default.json and passes both checks', () => {
  assert.deepEqual(BUNDLED_DEFAULT, base);
  assert.ok(profileSchema.safeParse(base).success);
  assert.equal(doctorProfileProblem(base), null);
});

test('whatever the schema accepts, the quick check accepts too; it rejects what the doctor cannot compare', () => {
  const value = fc.oneof(fc.integer({ min: -10, max: 100000 }), fc.constantFrom(16, 32, 64, 1024, 48000, 'unlimited', 'rt', 'lowlatency', 'performance', null, true, false, '2-3', '1,3'), fc.string({ maxLength: 5 }), fc.array(fc.constantFrom('snd', 'usb'), { maxLength: 3 }));
  const fields = ['kernel.mode', 'kernel.threadirqs', 'kernel.isolatedCpus', 'pipewire.rate', 'pipewire.quantum', 'pipewire.minQuantum', 'pipewire.maxQuantum', 'limits.rtprio', 'limits.memlock', 'rtirq.nameList', 'cpu.governor', 'sysctl.swappiness', 'sysctl.maxUserWatches', 'usbAudio.autosuspend'];
  fc.assert(
    fc.property(fc.constantFrom(...fields), value, (field, replacement) => {
      const profile = structuredClone(base);
      const [section, key] = field.split('.') as [string, string];
      profile[section][key] = replacement;
      if (profileSchema.safeParse(profile).success) assert.equal(doctorProfileProblem(profile), null, `${field}=${JSON.stringify(replacement)}`);
    }),
    { numRuns: 400 },
  );
  const broken = structuredClone(base);
  broken.pipewire.quantum = 'fast';
  assert.match(doctorProfileProblem(broken) ?? '', /pipewire\.quantum/);
  assert.match(doctorProfileProblem([]) ?? '', /not a JSON object/);
});
