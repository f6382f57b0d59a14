/**
 * Every check, pass and non-pass: table tests over the fixture machines, plus small synthetic
 * variations (one fact changed) for the cases the fixtures do not cover.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS, RTCQS_IDS } from '../../src/doctor/checks/index.js';
import { parseKernelConfig, parseCmdline } from '../../src/doctor/parse/kernel.js';
import type { Facts, Status } from '../../src/doctor/types.js';
import { absent, contextFor, factsOf, judgeOne, ok, type RootName } from './support.js';

type Expectation = Partial<Record<RootName, Status>>;

// What each fixture machine must show for each check (under --root: no commands, no own process).
const FIXTURE_TABLE: Record<string, Expectation> = {
  'kernel-config': { stock: 'pass', archibald: 'pass', half: 'pass', hostile: 'warn' },
  'preempt-rt': { stock: 'fail', archibald: 'pass', half: 'warn', hostile: 'skip' },
  'high-res-timers': { stock: 'pass', archibald: 'pass', hostile: 'skip' },
  tickless: { stock: 'pass', archibald: 'pass', hostile: 'skip' },
  'timer-frequency': { stock: 'warn', archibald: 'pass', half: 'pass' },
  threadirqs: { stock: 'fail', archibald: 'pass', half: 'pass', hostile: 'skip' },
  mitigations: { stock: 'pass', archibald: 'pass', half: 'warn' },
  'isolated-cpus': { stock: 'pass', archibald: 'pass', half: 'warn' },
  'nmi-watchdog': { stock: 'warn', archibald: 'pass', hostile: 'skip' },
  'rt-throttling': { stock: 'pass', half: 'pass', hostile: 'skip' },
  'cpu-governor': { stock: 'warn', archibald: 'pass', half: 'warn', hostile: 'skip' },
  smt: { stock: 'warn', archibald: 'pass', half: 'pass' },
  'cpu-boost': { stock: 'warn', archibald: 'pass', half: 'warn' },
  'power-management': { stock: 'warn', archibald: 'pass', half: 'warn', hostile: 'skip' },
  'root-user': { stock: 'skip', archibald: 'skip' },
  'rt-limits': { stock: 'fail', archibald: 'pass', half: 'warn', hostile: 'skip' },
  'rt-priority': { stock: 'fail', archibald: 'pass', half: 'pass' },
  'audio-group': { stock: 'fail', archibald: 'pass', half: 'pass', hostile: 'skip' },
  'hpet-rtc-access': { stock: 'warn', archibald: 'pass', half: 'pass' },
  'irq-sharing': { stock: 'warn', archibald: 'pass', half: 'warn', hostile: 'skip' },
  rtirq: { stock: 'skip', archibald: 'pass', half: 'warn' },
  irqbalance: { stock: 'warn', archibald: 'pass' },
  profile: { stock: 'pass', archibald: 'pass', hostile: 'warn' },
  'pipewire-running': { stock: 'pass', archibald: 'pass', hostile: 'warn' },
  'pipewire-clock': { stock: 'skip', archibald: 'skip' },
  rtkit: { stock: 'pass', archibald: 'pass', half: 'warn' },
  'das-watchdog': { stock: 'pass', archibald: 'pass', half: 'warn' },
  'usb-audio-lowlatency': { stock: 'pass', archibald: 'pass', half: 'warn', hostile: 'skip' },
  'usb-autosuspend': { stock: 'warn', archibald: 'pass', half: 'pass', hostile: 'skip' },
  swappiness: { stock: 'warn', archibald: 'pass', half: 'pass', hostile: 'skip' },
  'transparent-hugepages': { stock: 'pass', half: 'warn', hostile: 'skip' },
  'inotify-watches': { stock: 'warn', archibald: 'pass' },
  filesystems: { stock: 'pass', archibald: 'pass', half: 'warn', hostile: 'skip' },
};

interface Variation {
  id: string;
  from: RootName;
  facts?: Partial<Facts>;
  profile?: NonNullable<Parameters<typeof contextFor>[1]>['profile'];
  isNixos?: boolean;
  expect: Status;
  summary?: RegExp;
}

const config = (text: string) => {
  const parsed = parseKernelConfig(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return ok(parsed.value);
};
const cmdline = (text: string) => {
  const parsed = parseCmdline(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return ok(parsed.value);
};
const stat = (pid: number, comm: string, policy = 0, rtPriority = 0) => ({ pid, comm, state: 'S', policy, rtPriority });

const VARIATIONS: Variation[] = [
  { id: 'preempt-rt', from: 'half', profile: { kernel: { mode: 'lowlatency' } }, expect: 'pass', summary: /full preemption/ },
  { id: 'preempt-rt', from: 'stock', facts: { kernelConfig: absent(), kernelVersion: ok('Linux version 6.6.0-rt #1 SMP PREEMPT_RT') }, expect: 'pass' },
  { id: 'preempt-rt', from: 'stock', facts: { kernelConfig: absent(), kernelVersion: ok('Linux version 6.6 #1 SMP PREEMPT_DYNAMIC'), cmdline: cmdline('preempt=full') }, expect: 'warn', summary: /not PREEMPT_RT/ },
  { id: 'high-res-timers', from: 'stock', facts: { kernelConfig: config('# CONFIG_HIGH_RES_TIMERS is not set\nCONFIG_HZ=100\n') }, expect: 'fail' },
  { id: 'tickless', from: 'stock', facts: { kernelConfig: config('CONFIG_HZ_PERIODIC=y\n') }, expect: 'warn', summary: /periodic/ },
  { id: 'tickless', from: 'stock', facts: { cmdline: cmdline('ro nohz=off') }, expect: 'warn', summary: /nohz=off/ },
  { id: 'threadirqs', from: 'stock', profile: { kernel: { threadirqs: false } }, expect: 'warn' },
  { id: 'mitigations', from: 'half', facts: { cmdline: cmdline('ro mitigations=off') }, expect: 'pass' },
  { id: 'isolated-cpus', from: 'stock', profile: { kernel: { isolatedCpus: '2-3' } }, expect: 'fail', summary: /profile isolates CPUs 2-3/ },
  { id: 'isolated-cpus', from: 'archibald', facts: { cmdline: cmdline('isolcpus=0-3 nohz_full=0-3 rcu_nocbs=0-3') }, expect: 'fail', summary: /every CPU/ },
  { id: 'isolated-cpus', from: 'archibald', profile: { kernel: { isolatedCpus: null } }, expect: 'warn' },
  { id: 'rt-throttling', from: 'stock', facts: { rtRuntime: ok(0) }, expect: 'fail' },
  { id: 'rt-throttling', from: 'stock', facts: { rtRuntime: ok(500000) }, expect: 'warn' },
  { id: 'rt-throttling', from: 'stock', facts: { rtRuntime: ok(-1) }, expect: 'pass' },
  { id: 'smt', from: 'stock', facts: { smtControl: absent(), smtActive: absent(), threadSiblings: ok([0, 4]) }, expect: 'warn', summary: /cpu0 shares/ },
  { id: 'smt', from: 'stock', facts: { smtControl: absent(), smtActive: absent(), threadSiblings: absent() }, expect: 'skip' },
  { id: 'root-user', from: 'stock', facts: { process: ok({ uid: 0, sudoUser: null }) }, expect: 'warn' },
  { id: 'root-user', from: 'stock', facts: { process: ok({ uid: 0, sudoUser: 'alice' }) }, expect: 'warn', summary: /judged for alice/ },
  { id: 'root-user', from: 'stock', facts: { process: ok({ uid: 1000, sudoUser: null }) }, expect: 'pass' },
  { id: 'rt-limits', from: 'archibald', profile: { limits: { rtprio: 99 } }, expect: 'warn', summary: /below the profile’s 99/ },
  { id: 'rt-priority', from: 'archibald', facts: { rtRuntime: ok(0) }, expect: 'fail' },
  { id: 'audio-group', from: 'archibald', facts: { user: ok({ name: 'audio-user', uid: 1000, groups: ['audio', 'users'], audioGid: 17, isSelf: true, chosenBy: 'test' }), selfStatus: ok({ uid: 1000, groups: [100], capEff: 0n }) }, expect: 'warn', summary: /log out and in/ },
  { id: 'audio-group', from: 'stock', facts: { user: ok({ name: 'root', uid: 0, groups: ['root'], audioGid: 29, isSelf: true, chosenBy: 'test' }) }, expect: 'warn', summary: /--user/ },
  { id: 'rtirq', from: 'half', profile: { rtirq: { enable: false } }, expect: 'pass' },
  // A PREEMPT_RT image under --root: threadirqs passes, so rtirq must not claim interrupts are unthreaded.
  { id: 'rtirq', from: 'archibald', facts: { processes: ok([stat(1, 'systemd')]) }, expect: 'skip', summary: /^no irq\/ threads in the process table \(1 process\); under --root .*no process list/ },
  { id: 'pipewire-running', from: 'stock', facts: { processes: ok([stat(1, 'systemd'), stat(50, 'pipewire')]) }, expect: 'warn', summary: /session manager/ },
  { id: 'pipewire-running', from: 'stock', facts: { processes: ok([stat(1, 'systemd'), stat(50, 'jackd', 1, 70)]) }, expect: 'pass', summary: /JACK/ },
  { id: 'pipewire-clock', from: 'archibald', facts: { pipewireSettings: ok({ 'clock.rate': '48000', 'clock.quantum': '32', 'clock.min-quantum': '32', 'clock.max-quantum': '1024', 'clock.force-quantum': '0' }), pipewireNodes: ok([]) }, expect: 'pass' },
  { id: 'pipewire-clock', from: 'archibald', facts: { pipewireSettings: ok({ 'clock.rate': '48000', 'clock.quantum': '1024', 'clock.min-quantum': '32', 'clock.max-quantum': '2048' }), pipewireNodes: absent() }, expect: 'fail', summary: /the profile says quantum 32, PipeWire runs 1024 \(only min-quantum was set/ },
  { id: 'pipewire-clock', from: 'archibald', facts: { pipewireSettings: ok({ 'clock.rate': '48000', 'clock.quantum': '1024', 'clock.force-quantum': '32' }), pipewireNodes: ok([]) }, expect: 'pass' },
  { id: 'pipewire-clock', from: 'archibald', facts: { pipewireSettings: ok({ 'clock.rate': '44100', 'clock.quantum': '32' }), pipewireNodes: ok([]) }, expect: 'fail', summary: /44100 Hz/ },
  { id: 'pipewire-clock', from: 'archibald', facts: { pipewireSettings: ok({ 'clock.rate': '48000', 'clock.quantum': '32' }), pipewireNodes: ok([{ id: 40, name: 'firefox', driver: false, latency: '1024/48000', forceQuantum: null, state: 'running' }]) }, expect: 'warn', summary: /larger quantum/ },
  { id: 'rtkit', from: 'half', facts: { processes: ok([stat(5, 'rtkit-daemon')]) }, expect: 'pass' },
  { id: 'das-watchdog', from: 'stock', facts: { rtRuntime: ok(-1) }, expect: 'warn' },
  { id: 'usb-audio-lowlatency', from: 'archibald', facts: { usbAudioLowlatency: ok('N') }, expect: 'fail' },
  { id: 'usb-audio-lowlatency', from: 'archibald', facts: { usbAudioLowlatency: ok('N') }, profile: { usbAudio: { lowlatency: false } }, expect: 'pass' },
  { id: 'usb-autosuspend', from: 'stock', facts: { usbAudioDevices: ok([]) }, expect: 'warn', summary: /after 2 s/ },
  { id: 'usb-autosuspend', from: 'stock', profile: { usbAudio: { autosuspend: true } }, expect: 'pass' },
  { id: 'swappiness', from: 'stock', facts: { swaps: ok([]) }, expect: 'pass', summary: /no swap/ },
  { id: 'transparent-hugepages', from: 'archibald', facts: { transparentHugepages: ok('always') }, expect: 'warn' },
  { id: 'inotify-watches', from: 'stock', facts: { maxUserWatches: ok(1048576) }, expect: 'pass' },
  { id: 'filesystems', from: 'stock', facts: { mounts: ok([{ source: 'host:/srv', target: '/home', fstype: 'nfs4', options: ['rw'] }]) }, expect: 'warn' },
  { id: 'irqbalance', from: 'stock', facts: { processes: ok([]) }, expect: 'pass' },
  { id: 'irq-sharing', from: 'stock', facts: { interrupts: ok([{ irq: 5, count: 1, controller: 'PCI-MSI 1-edge', devices: ['snd_hda_intel:card0'] }]) }, expect: 'pass' },
];

for (const [id, expectations] of Object.entries(FIXTURE_TABLE)) {
  test(`${id} on the fixture machines`, async () => {
    for (const [root, status] of Object.entries(expectations) as Array<[RootName, Status]>) {
      const result = judgeOne(id, await factsOf(root));
      assert.equal(result.status, status, `${id} on ${root}: ${result.summary}`);
      assert.equal(result.fix !== null, status === 'warn' || status === 'fail', `${id} on ${root}: a finding carries a fix, a pass or skip none`);
    }
  });
}

for (const variation of VARIATIONS) {
  test(`${variation.id}: ${variation.expect} on ${variation.from} with ${[...Object.keys(variation.facts ?? {}), ...(variation.profile === undefined ? [] : [`profile ${JSON.stringify(variation.profile)}`])].join(', ') || 'no change'}`, async () => {
    const base = await factsOf(variation.from);
    const facts = { ...base, ...variation.facts } as Facts;
    const result = judgeOne(variation.id, facts, contextFor(facts, { ...(variation.profile === undefined ? {} : { profile: variation.profile }), ...(variation.isNixos === undefined ? {} : { isNixos: variation.isNixos }) }));
    assert.equal(result.status, variation.expect, result.summary);
    if (variation.summary !== undefined) assert.match(result.summary, variation.summary);
  });
}

test('every check is tested both passing and not passing, and rtcqs’s ids are all here', () => {
  const seen = new Map<string, Set<Status>>();
  for (const [id, expectations] of Object.entries(FIXTURE_TABLE)) for (const status of Object.values(expectations)) seen.set(id, new Set([...(seen.get(id) ?? []), status]));
  for (const variation of VARIATIONS) seen.set(variation.id, new Set([...(seen.get(variation.id) ?? []), variation.expect]));
  for (const check of CHECKS) {
    const statuses = seen.get(check.id) ?? new Set();
    assert.ok(statuses.has('pass'), `${check.id} has no passing case`);
    assert.ok(statuses.has('warn') || statuses.has('fail'), `${check.id} has no failing case`);
  }
  for (const id of RTCQS_IDS) assert.ok(CHECKS.some((check) => check.id === id), `rtcqs check ${id} missing`);
  assert.ok(CHECKS.length >= 2 * RTCQS_IDS.length, `${CHECKS.length} checks, rtcqs has ${RTCQS_IDS.length}`);
  assert.equal(new Set(CHECKS.map((check) => check.id)).size, CHECKS.length, 'ids are unique');
});

test('rtcqs bugs, done right: preempt=full is not real-time, SMT on warns, missing SMT files do not crash', async () => {
  const stock = await factsOf('stock');
  const full = { ...stock, cmdline: cmdline('ro preempt=full') };
  assert.notEqual(judgeOne('preempt-rt', full).status, 'pass');
  assert.equal(judgeOne('smt', stock).status, 'warn');
  const noSmt = { ...stock, smtControl: absent(), smtActive: absent(), threadSiblings: absent() };
  assert.equal(judgeOne('smt', noSmt).status, 'skip');
});

test('NixOS fixes are declarative: no imperative command in fix.other on NixOS', async () => {
  const IMPERATIVE = /\b(echo|sysctl -w|sysctl --system|tee|sudo|cpupower|modprobe|usermod|systemctl|chrt|update-grub|grub2-mkconfig|udevadm)\b|\/etc\/default\/grub|\/etc\/sysctl/;
  for (const root of ['stock', 'half'] as const) {
    const facts = await factsOf(root);
    for (const check of CHECKS) {
      const result = judgeOne(check.id, facts, contextFor(facts, { isNixos: true }));
      if (result.fix === null) continue;
      assert.doesNotMatch(result.fix.other, IMPERATIVE, `${check.id} on NixOS suggests "${result.fix.other}"`);
      assert.match(result.fix.nix, /archibald\.|services\.|boot\.|security\.|users\.|powerManagement\.|systemd\.|fileSystems\.|musnix\.|nothing to configure/, `${check.id}: fix.nix names an option`);
    }
  }
});
