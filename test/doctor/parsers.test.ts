/** Parsers: known answers on real captured text, and random bytes never make one throw. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseCmdline, parseKernelConfig, cmdlineValue, hasFlag } from '../../src/doctor/parse/kernel.js';
import { parseInterrupts } from '../../src/doctor/parse/interrupts.js';
import { parseProcLimits, parseProcStat, parseProcStatus, hasCapability, CAP_SYS_NICE } from '../../src/doctor/parse/proc.js';
import { effectiveLimit, pamLimitsConfFiles, parseGroup, parseLimitsConf, parseModprobeOptions, parseOsRelease, parsePasswd, parseUdevRules } from '../../src/doctor/parse/etc.js';
import { parseMounts, parseSwaps } from '../../src/doctor/parse/mounts.js';
import { parseBracketChoice, parseCpuSet, parseInteger, parseWord } from '../../src/doctor/parse/sysfs.js';
import { parsePwDump, parsePwMetadata } from '../../src/pipewire/dump.js';
import type { Parsed } from '../../src/result.js';
import { usbDeviceOfCard } from '../../src/doctor/parse/sysfs.js';
import { captured } from './support.js';

const read = (name: string): string => readFileSync(captured(name), 'utf8');

test('cmdline: flags, values, quotes, and init arguments after "--" ignored', () => {
  const result = parseCmdline('BOOT_IMAGE=/vmlinuz root=UUID=1 ro threadirqs isolcpus=domain,2-3 foo="a b" preempt=none preempt=full -- --init-flag threadirqs2\n');
  assert.ok(result.ok);
  assert.equal(cmdlineValue(result.value, 'preempt'), 'full', 'the last occurrence wins');
  assert.equal(cmdlineValue(result.value, 'foo'), 'a b');
  assert.ok(hasFlag(result.value, 'threadirqs'));
  assert.ok(!hasFlag(result.value, 'threadirqs2'));
  const real = parseCmdline(read('cmdline'));
  assert.ok(real.ok && cmdlineValue(real.value, 'mitigations') === 'auto,no_guest_host,no_guest_guest');
  assert.equal(parseCmdline('root=/dev/sda\u0000\u0001').ok, false);
});

test('kernel config: set, unset and quoted values; garbage is an error', () => {
  const result = parseKernelConfig('# comment\nCONFIG_HZ=1000\n# CONFIG_PREEMPT_RT is not set\nCONFIG_LOCALVERSION="-rt"\n');
  assert.ok(result.ok);
  assert.equal(result.value.get('CONFIG_HZ'), '1000');
  assert.equal(result.value.get('CONFIG_PREEMPT_RT'), 'n');
  assert.equal(result.value.get('CONFIG_LOCALVERSION'), '-rt');
  assert.equal(parseKernelConfig('hello').ok, false);
});

test('interrupts: this machine’s /proc/interrupts, shared lines, old formats', () => {
  const real = parseInterrupts(read('interrupts'));
  assert.ok(real.ok);
  assert.equal(real.value.cpus, 2);
  const ged = real.value.lines.find((line) => line.irq === 24);
  assert.deepEqual(ged?.devices, ['ACPI:Ged']);
  assert.ok(real.value.lines.every((line) => Number.isInteger(line.irq)), 'NMI/LOC rows are not IRQ lines');
  const shared = parseInterrupts('           CPU0       CPU1\n  16:       10        20   IO-APIC  16-fasteoi   i801_smbus, snd_hda_intel:card0\n 125:  5  0  PCI-MSI 327680-edge      xhci_hcd\n  9:  0  0  IO-APIC-fasteoi   acpi\n');
  assert.ok(shared.ok);
  assert.deepEqual(shared.value.lines[0]?.devices, ['i801_smbus', 'snd_hda_intel:card0']);
  assert.equal(shared.value.lines[0]?.count, 30);
  assert.deepEqual(shared.value.lines[1]?.devices, ['xhci_hcd']);
  assert.deepEqual(shared.value.lines[2]?.devices, ['acpi'], 'the pre-3.x "IO-APIC-fasteoi" form');
  assert.equal(parseInterrupts('garbage').ok, false);
});

test('proc stat: comm with spaces and parentheses is split after the last ")"', () => {
  const fields = (policy: number, prio: number) => ['S', '2', ...Array.from({ length: 50 }, (_, i) => (i === 40 - 5 ? String(prio) : i === 41 - 5 ? String(policy) : '0'))].join(' ');
  const odd = parseProcStat(`77 (tmux: (x) y) ${fields(1, 90)}`);
  assert.ok(odd.ok);
  assert.equal(odd.value.comm, 'tmux: (x) y');
  assert.equal(odd.value.policy, 1);
  assert.equal(odd.value.rtPriority, 90);
  const real = parseProcStat(read('stat'));
  assert.ok(real.ok && real.value.pid === 1 && real.value.policy === 0);
  assert.equal(parseProcStat('12 (short) S 1 2').ok, false);
});

test('proc status and limits: this machine’s files', () => {
  const status = parseProcStatus(read('status'));
  assert.ok(status.ok && status.value.uid === 0 && hasCapability(status.value.capEff, CAP_SYS_NICE));
  const limits = parseProcLimits(read('limits'));
  assert.ok(limits.ok);
  assert.ok(limits.value.get('Max realtime priority') !== undefined);
  assert.deepEqual(limits.value.get('Max cpu time'), { soft: 'unlimited', hard: 'unlimited' });
});

test('limits.conf: pam_limits precedence (user > @group > *, later line wins among equals)', () => {
  const conf = parseLimitsConf('* - rtprio 1\n@audio - rtprio 95\n@audio - memlock unlimited\n@pipewire - memlock 4194304\nalice hard rtprio 10\n@audio - bogus\njunk line\n', 'limits.conf');
  assert.ok(conf.ok);
  assert.equal(conf.value.length, 5);
  const bob = effectiveLimit(conf.value, 'bob', ['audio', 'pipewire'], 'memlock');
  assert.equal(bob.soft, 4194304, 'the later @pipewire line overrides @audio unlimited: a real NixOS trap');
  assert.equal(effectiveLimit(conf.value, 'bob', ['audio'], 'rtprio').soft, 95);
  assert.equal(effectiveLimit(conf.value, 'carol', [], 'rtprio').soft, 1);
  const alice = effectiveLimit(conf.value, 'alice', ['audio'], 'rtprio');
  assert.equal(alice.hard, 10, 'a user line beats the group line');
  assert.equal(alice.soft, 95, 'a hard-only user line leaves the soft limit to the group');
  assert.deepEqual(pamLimitsConfFiles('session required pam_limits.so conf=/nix/store/abc-limits.conf\n# session required pam_limits.so conf=/x\n'), ['/nix/store/abc-limits.conf']);
});

test('etc files: os-release, passwd, group, modprobe options, udev rules', () => {
  const os = parseOsRelease(read('os-release'));
  assert.ok(os.ok && os.value.ID === 'debian');
  assert.equal(parseOsRelease('NAME="NixOS"\nID=nixos\n').ok && (parseOsRelease('ID=nixos\n') as { value: Record<string, string> }).value.ID, 'nixos');
  const passwd = parsePasswd('root:x:0:0:root:/root:/bin/sh\nbad line\n');
  assert.ok(passwd.ok && passwd.value.length === 1);
  const group = parseGroup('audio:x:29:alice,bob\n');
  assert.ok(group.ok && group.value[0]?.members.length === 2);
  const modprobe = parseModprobeOptions('options snd-usb-audio nrpacks=1 low_latency=1 # old wiki\nblacklist pcspkr\n');
  assert.ok(modprobe.ok);
  assert.deepEqual(modprobe.value.map((option) => `${option.module}.${option.key}`), ['snd_usb_audio.nrpacks', 'snd_usb_audio.low_latency']);
  const udev = parseUdevRules('# c\nKERNEL=="rtc0", GROUP="audio", MODE="0660"\nSUBSYSTEM=="x", KERNEL!="y"\n', 'r');
  assert.ok(udev.ok && udev.value.length === 1 && udev.value[0]?.assigns.GROUP === 'audio');
});

test('mounts and swaps: this machine, octal escapes', () => {
  const mounts = parseMounts(read('mounts'));
  assert.ok(mounts.ok && mounts.value.some((mount) => mount.target === '/' && mount.fstype === 'ext4'));
  const escaped = parseMounts('/dev/sdb1 /media/My\\040Disk ext4 rw 0 0\n');
  assert.ok(escaped.ok && escaped.value[0]?.target === '/media/My Disk');
  const swaps = parseSwaps(read('swaps'));
  assert.ok(swaps.ok && swaps.value.length === 0);
});

test('sysfs values', () => {
  assert.deepEqual(parseInteger(' -1\n'), { ok: true, value: -1 });
  assert.equal(parseInteger('sixty').ok, false);
  assert.deepEqual(parseWord('performance\n'), { ok: true, value: 'performance' });
  const thp = parseBracketChoice(readFileSync(captured('thp_enabled'), 'utf8'));
  assert.ok(thp.ok && thp.value.selected === 'madvise');
  assert.deepEqual(parseCpuSet('0-2,5\n'), { ok: true, value: [0, 1, 2, 5] });
  assert.deepEqual(parseCpuSet('domain,managed_irq,2-3'), { ok: true, value: [2, 3] });
  assert.deepEqual(parseCpuSet('\n'), { ok: true, value: [] });
  assert.equal(parseCpuSet('3-1').ok, false);
});

test('PipeWire: pw-metadata and pw-dump captured from a real daemon', () => {
  const settings = parsePwMetadata(read('pw-metadata'));
  assert.ok(settings.ok);
  assert.equal(settings.value['clock.quantum'], '1024');
  assert.equal(settings.value['clock.rate'], '48000');
  const nodes = parsePwDump(read('pw-dump.json'));
  assert.ok(nodes.ok && nodes.value.some((node) => node.driver && node.name === 'Dummy-Driver'));
  assert.equal(parsePwDump('{"not":"an array"}').ok, false);
  assert.equal(parsePwDump('[{').ok, false);
});

// Every parser, fed arbitrary bytes (as UTF-8 text, the way Files hands them over) and arbitrary
// strings: it must return a Parsed value and never throw.
const PARSERS: Record<string, (text: string) => Parsed<unknown>> = {
  parseCmdline,
  parseKernelConfig,
  parseInterrupts,
  parseProcStat,
  parseProcStatus,
  parseProcLimits,
  parseOsRelease,
  parsePasswd,
  parseGroup,
  parseLimitsConf: (text) => parseLimitsConf(text, 'x'),
  parseModprobeOptions,
  parseUdevRules: (text) => parseUdevRules(text, 'x'),
  parseMounts,
  parseSwaps,
  parseInteger,
  parseWord,
  parseBracketChoice,
  parseCpuSet,
  parsePwMetadata,
  parsePwDump,
  pamLimitsConfFiles: (text) => ({ ok: true, value: pamLimitsConfFiles(text) }),
  usbDeviceOfCard: (text) => ({ ok: true, value: usbDeviceOfCard(text) }),
};

for (const [name, parse] of Object.entries(PARSERS)) {
  test(`${name} returns a typed result for random bytes and strings, never throws`, () => {
    const asText = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes).toString('utf8'));
    const lineish = fc.array(fc.oneof(fc.string(), fc.constantFrom('CPU0 CPU1', '(', ')', ':', '=', '"', '\n', ' ', '[', ']', '-', ',', 'CONFIG_', '{', '}', 'update: id:0 key:', 'Limit  Soft Limit  Hard Limit')), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(asText, lineish, fc.string({ unit: 'binary', maxLength: 512 })), (text) => {
        const result = parse(text);
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.equal(typeof result.error, 'string');
      }),
      { numRuns: 300 },
    );
  });
}
