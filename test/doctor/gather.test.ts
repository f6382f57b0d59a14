/** The adapter: whose limits are judged, where NixOS keeps them, which sound cards are USB. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemAt } from '../../src/system/index.js';
import { FactGatherer } from '../../src/doctor/gather.js';
import { usbDeviceOfCard } from '../../src/doctor/parse/sysfs.js';
import { rootOf, judgeOne, contextFor, gatherFrom } from './support.js';

test('USB sound cards are found from /sys/class/sound links; PCI cards are not', () => {
  assert.equal(usbDeviceOfCard('../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/sound/card1'), '1-2');
  assert.equal(usbDeviceOfCard('../../devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.4/3-1.4:1.0/sound/card2'), '3-1.4');
  assert.equal(usbDeviceOfCard('../../devices/pci0000:00/0000:00:1f.3/sound/card0'), null);
});

test('the judged user: SUDO_USER when run through sudo, --user when given, the image’s first regular user under --root', async () => {
  const stock = systemAt(rootOf('stock'));
  const viaSudo = await new FactGatherer(stock, { process: { uid: 0, env: { SUDO_USER: 'alice' } } }).get('user');
  assert.ok(viaSudo.ok && viaSudo.value.name === 'alice' && viaSudo.value.chosenBy === 'SUDO_USER' && !viaSudo.value.isSelf);
  const named = await new FactGatherer(systemAt(rootOf('half')), { user: 'bob' }).get('user');
  assert.ok(named.ok && named.value.name === 'bob' && named.value.groups.includes('audio'));
  const unknown = await new FactGatherer(stock, { user: 'mallory' }).get('user');
  assert.ok(!unknown.ok && /mallory is not in \/etc\/passwd/.test(unknown.reason));
  const image = await new FactGatherer(stock).get('user');
  assert.ok(image.ok && image.value.name === 'alice' && image.value.chosenBy.includes('first regular user'));
});

test('when the doctor runs as the user, the live session limits are judged (not only limits.conf)', async () => {
  const facts = await gatherFrom(systemAt(rootOf('stock')), { process: { uid: 1000, env: {} } });
  assert.ok(facts.user.ok && facts.user.value.isSelf);
  const result = judgeOne('rt-limits', facts, contextFor(facts));
  assert.equal(result.status, 'fail');
  assert.match(result.evidence[0] ?? '', /^this session \(\/proc\/self\/limits\): rtprio 0/);
  assert.equal(judgeOne('root-user', facts).status, 'pass');
});

test('NixOS: limits come from the store file that pam_limits is pointed at, not /etc/security', async () => {
  const limits = await new FactGatherer(systemAt(rootOf('archibald'))).get('limitsConf');
  assert.ok(limits.ok);
  assert.match(limits.source, /^\/nix\/store\/[a-z0-9]+-limits\.conf$/);
  assert.ok(limits.value.some((entry) => entry.domain === '@audio' && entry.item === 'rtprio' && entry.value === 95));
});

test('under sudo, PipeWire is asked in the judged user’s runtime directory, with a timeout', async () => {
  const calls: Array<{ argv: readonly string[]; timeoutMs: number; runtime: string | undefined }> = [];
  const base = systemAt(rootOf('stock'));
  const system = {
    ...base,
    canRun: true,
    run: async (argv: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }) => {
      calls.push({ argv, timeoutMs: options.timeoutMs, runtime: options.env?.XDG_RUNTIME_DIR });
      return { ok: true as const, exitCode: 0, stdout: "update: id:0 key:'clock.quantum' value:'32' type:''\n", stderr: '', durationMs: 1, truncated: false };
    },
  };
  const gatherer = new FactGatherer(system, { process: { uid: 0, env: { SUDO_USER: 'alice', PATH: '/usr/bin' } } });
  const settings = await gatherer.get('pipewireSettings');
  assert.ok(settings.ok && settings.value['clock.quantum'] === '32');
  assert.deepEqual(calls.map((call) => [call.argv.join(' '), call.runtime]), [['pw-metadata -n settings', '/run/user/1000']]);
  assert.ok(calls.every((call) => call.timeoutMs > 0 && call.timeoutMs <= 5000));
});
