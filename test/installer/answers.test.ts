import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  HOSTNAME_PATTERN,
  USERNAME_PATTERN,
  parseAnswers,
  parseSource,
  parseSourceFlag,
  pinnedFlakeUrl,
  validateAnswers,
} from '../../src/installer/answers.js';
import { REV, SOURCE, sampleAnswers } from './helpers.js';

test('valid answers parse and defaults fill in', () => {
  const minimal = { ...sampleAnswers(), fullName: undefined, extraLocaleSettings: undefined, luksDevices: undefined, autoLogin: undefined, stateVersion: undefined };
  const result = validateAnswers(JSON.parse(JSON.stringify(minimal)));
  assert.ok(result.ok, result.ok ? '' : result.message);
  assert.equal(result.value.fullName, '');
  assert.deepEqual(result.value.extraLocaleSettings, {});
  assert.deepEqual(result.value.luksDevices, []);
  assert.equal(result.value.autoLogin, false);
  assert.equal(result.value.stateVersion, null);
});

const rejects: Array<[string, Record<string, unknown>, RegExp]> = [
  ['hostname with a dot', { hostname: 'studio.local' }, /^answers: hostname: hostname must be 1-63/],
  ['hostname ending in -', { hostname: 'studio-' }, /hostname/],
  ['hostname of 64 characters', { hostname: 'a'.repeat(64) }, /hostname/],
  ['hostname with a Nix interpolation', { hostname: '${x}' }, /hostname/],
  ['username with capitals', { username: 'Alice' }, /^answers: username: username must start/],
  ['username starting with a digit', { username: '1alice' }, /username/],
  ['reserved username', { username: 'root' }, /username "root" is reserved/],
  ['username of 33 characters', { username: 'a'.repeat(33) }, /username/],
  ['locale with a quote', { locale: 'en_US"' }, /locale: not a locale name/],
  ['time zone with a space', { timezone: 'Europe/New York' }, /timezone: not a time zone/],
  ['keyboard layout with a slash', { keyboard: { layout: 'us/x' } }, /keyboard.layout/],
  ['luks as a string', { luks: 'yes' }, /luks: luks must be true or false/],
  ['unknown firmware', { firmware: 'uefi' }, /firmware must be "efi" or "bios"/],
  ['BIOS without a boot device', { firmware: 'bios', bootDevice: null }, /bootDevice: a BIOS install needs bootDevice/],
  ['boot device outside /dev', { firmware: 'bios', bootDevice: '/tmp/x' }, /bootDevice must be a \/dev\/ path/],
  ['BIOS, encrypted root holding /boot, no key file', { firmware: 'bios', bootDevice: '/dev/sda', luks: true, bootPartition: 'none' }, /^answers: grubCryptodisk: BIOS with \/boot on an encrypted partition needs GRUB to unlock it .*give \/boot its own unencrypted partition/],
  ['BIOS, /boot on its own encrypted partition, no key file', { firmware: 'bios', bootDevice: '/dev/sda', bootPartition: 'encrypted' }, /grubCryptodisk: BIOS with \/boot on an encrypted partition/],
  ['key file on UEFI', { grubCryptodisk: { keyFile: '/boot/crypto_keyfile.bin', devices: ['luks-root'] } }, /grubCryptodisk: grubCryptodisk is only for BIOS installs whose \/boot is encrypted/],
  ['key file beside a plain /boot', { firmware: 'bios', bootDevice: '/dev/sda', luks: true, bootPartition: 'plain', grubCryptodisk: { keyFile: '/boot/crypto_keyfile.bin', devices: ['luks-root'] } }, /grubCryptodisk is only for BIOS/],
  ['key file elsewhere', { firmware: 'bios', bootDevice: '/dev/sda', luks: true, grubCryptodisk: { keyFile: '/etc/key', devices: ['luks-root'] } }, /grubCryptodisk\.keyFile: grubCryptodisk\.keyFile must be \/boot\/crypto_keyfile\.bin/],
  ['key file for no device', { firmware: 'bios', bootDevice: '/dev/sda', luks: true, grubCryptodisk: { keyFile: '/boot/crypto_keyfile.bin', devices: [] } }, /grubCryptodisk\.devices/],
  ['unknown /boot layout', { bootPartition: 'lvm' }, /bootPartition must be "none", "plain" or "encrypted"/],
  ['profile path instead of a name', { profile: '../etc/passwd' }, /profile: profile must be a profile name/],
  ['full name with a newline', { fullName: 'a\nb' }, /fullName must not contain control characters/],
  ['luks device with a bad uuid', { luksDevices: [{ name: 'luks-swap', uuid: 'nope' }] }, /luksDevices\.0\.uuid/],
  ['unknown key', { shell: 'zsh' }, /Unrecognized key/],
  ['wrong version', { version: 2 }, /version must be 1/],
];

test('BIOS with an encrypted root is accepted beside a plain /boot, or with an enrolled key file', () => {
  const bios = { firmware: 'bios', bootDevice: '/dev/sda', luks: true } as const;
  assert.ok(validateAnswers({ ...sampleAnswers(), ...bios, bootPartition: 'plain' }).ok);
  const keyed = validateAnswers({ ...sampleAnswers(), ...bios, grubCryptodisk: { keyFile: '/boot/crypto_keyfile.bin', devices: ['luks-root', 'luks-swap'] } });
  assert.ok(keyed.ok, keyed.ok ? '' : keyed.message);
  assert.equal(keyed.value.bootPartition, 'none', 'an older answers file without bootPartition means /boot inside the root');
});

for (const [what, change, expected] of rejects) {
  test(`answers are refused: ${what}`, () => {
    const result = validateAnswers({ ...sampleAnswers(), ...change });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, expected);
    assert.ok(!(result.ok ? '' : result.message).includes('\n'), 'one line');
  });
}

test('property: any bytes as an answers file give a typed result, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const result = parseAnswers(Buffer.from(bytes).toString('utf8'), 'answers.json');
      return result.ok === false && result.message.startsWith('answers.json');
    }),
    { numRuns: 500 },
  );
});

test('property: any JSON value as answers gives a typed result, never a throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const result = validateAnswers(value);
      return typeof result.ok === 'boolean';
    }),
    { numRuns: 500 },
  );
});

test('property: a hostname is accepted exactly when it is an RFC 1123 label', () => {
  const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/);
  fc.assert(
    fc.property(fc.oneof(label, fc.string({ maxLength: 70 })), (hostname) => {
      const result = validateAnswers({ ...sampleAnswers(), hostname });
      const wellFormed = hostname.length <= 63 && /^[A-Za-z0-9]$|^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/.test(hostname);
      assert.equal(HOSTNAME_PATTERN.test(hostname), wellFormed);
      return result.ok === wellFormed;
    }),
    { numRuns: 1000 },
  );
});

test('property: accepted usernames are POSIX-portable and never contain Nix-special characters', () => {
  fc.assert(
    fc.property(fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/), fc.string({ maxLength: 40 })), (username) => {
      const result = validateAnswers({ ...sampleAnswers(), username });
      if (result.ok) {
        assert.ok(USERNAME_PATTERN.test(username));
        assert.ok(!/["\\${}\s]/.test(username));
      }
      return true;
    }),
    { numRuns: 1000 },
  );
});

test('source pin: file format and --source flag', () => {
  assert.deepEqual(parseSource(JSON.stringify(SOURCE)), { ok: true, value: SOURCE });
  const noHash = parseSource(JSON.stringify({ url: 'github:archibaldos/archibaldos', rev: REV }));
  assert.ok(noHash.ok);
  const shortRev = parseSource(JSON.stringify({ url: 'github:a/b', rev: 'abc123' }));
  assert.match(shortRev.ok ? '' : shortRev.message, /^source.json: rev: rev must be a full 40-character git commit hash$/);
  const query = parseSource(JSON.stringify({ url: 'github:a/b?ref=main', rev: REV }));
  assert.equal(query.ok, false);
  assert.equal(parseSource('{').ok, false);
  assert.deepEqual(parseSourceFlag(`github:a/b@${REV}`), { ok: true, value: { url: 'github:a/b', rev: REV } });
  assert.match((parseSourceFlag('github:a/b') as { message: string }).message, /--source must be URL@REV/);
});

test('pinned flake URL: forge shorthand takes the rev as a path, others as a query; narHash is percent-encoded', () => {
  assert.equal(pinnedFlakeUrl({ url: 'github:o/r', rev: REV }), `github:o/r/${REV}`);
  assert.equal(pinnedFlakeUrl(SOURCE), `github:archibaldos/archibaldos/${REV}?narHash=sha256-Ti%2BZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q%3D`);
  assert.equal(pinnedFlakeUrl({ url: 'git+https://example.org/archibaldos.git', rev: REV }), `git+https://example.org/archibaldos.git?rev=${REV}`);
});
