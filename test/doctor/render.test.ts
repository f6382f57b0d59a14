/** The human report as a pure function: symbols on a TTY, words on a pipe, colours only when asked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pc from 'picocolors';
import { renderHuman } from '../../src/doctor/render.js';
import { CHECKS } from '../../src/doctor/checks/index.js';
import type { DoctorReport } from '../../src/doctor/schema.js';

const report: DoctorReport = {
  version: 1,
  host: { hostname: 'studio', os: 'ArchibaldOS 25.11 (NixOS)', nixos: true, kernel: '6.12-rt', root: null, user: 'audio-user', profile: '/etc/archibald/profile.json' },
  checks: [
    { id: 'preempt-rt', title: 'RT', status: 'pass', summary: 'PREEMPT_RT', evidence: [], fix: null },
    { id: 'smt', title: 'SMT', status: 'warn', summary: 'SMT is on', evidence: [], fix: { nix: 'archibald.audio.kernel.disableSmt = true;', other: 'boot.kernelParams = [ "nosmt" ];' } },
    { id: 'rt-limits', title: 'limits', status: 'fail', summary: 'no rtprio', evidence: [], fix: { nix: 'archibald.audio.limits.rtprio = 95;', other: 'security.pam.loginLimits' } },
    { id: 'pipewire-clock', title: 'clock', status: 'skip', summary: 'not running', evidence: [], fix: null },
  ],
  counts: { pass: 1, warn: 1, fail: 1, skip: 1 },
};

test('a TTY gets ✓ ! ✗ - and colour; the NixOS fix is labelled for machines without the archibald modules', () => {
  const text = renderHuman(report, CHECKS, { tty: true, palette: pc.createColors(true) });
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  assert.notEqual(text, plain, 'coloured');
  assert.match(plain, /^ {2}✓ preempt-rt/m);
  assert.match(plain, /^ {2}! smt/m);
  assert.match(plain, /^ {2}✗ rt-limits/m);
  assert.match(plain, /^ {2}- pipewire-clock/m);
  assert.match(plain, /^ {6}without archibald modules: boot\.kernelParams/m);
  assert.match(plain, /ArchibaldOS 25\.11 \(NixOS\), kernel/, 'no doubled "(NixOS)"');
  assert.match(plain, /4 checks: 1 passed, 1 warnings, 1 failed, 1 skipped\n$/);
  const kernelAt = plain.indexOf('\nKernel\n');
  const cpuAt = plain.indexOf('\nCPU\n');
  assert.ok(kernelAt >= 0 && cpuAt > kernelAt, 'grouped in order');
});

test('a pipe gets OK/WARN/FAIL/SKIP and no escape codes', () => {
  const text = renderHuman(report, CHECKS, { tty: false, palette: pc.createColors(false) });
  assert.doesNotMatch(text, /\u001b/);
  for (const word of ['OK   preempt-rt', 'WARN smt', 'FAIL rt-limits', 'SKIP pipewire-clock']) assert.ok(text.includes(`  ${word}`), word);
});
