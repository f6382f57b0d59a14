import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlive as alive } from '../../src/system/write.js';
import { needTools } from '../helpers/tools.js';
import { startJack, startPipewire } from '../helpers/daemons.js';
import { run } from '../../src/system/run.js';


test('PipeWire test daemon runs the requested clock and is gone after stop()', async (t) => {
  if (!needTools(t, ['pipewire', 'wireplumber', 'dbus-run-session', 'pw-metadata', 'pw-dump'])) return;
  const daemon = await startPipewire({ quantum: 64 });
  t.after(() => daemon.stop());
  const settings = await run(['pw-metadata', '-n', 'settings'], { timeoutMs: 3000, env: daemon.env });
  assert.ok(settings.ok, settings.ok ? '' : settings.message);
  assert.match(settings.stdout, /key:'clock.quantum' value:'64'/);
  await daemon.stop();
  for (const pid of daemon.pids) assert.equal(alive(pid), false, `pid ${pid} still alive`);
});

test('jackd dummy test daemon starts under a private name and stops', async (t) => {
  if (!needTools(t, ['jackd', 'jack_lsp'])) return;
  const daemon = await startJack({ period: 128 });
  t.after(() => daemon.stop());
  const ports = await run(['jack_lsp'], { timeoutMs: 3000, env: daemon.env });
  assert.ok(ports.ok && ports.stdout.includes('system:playback_1'));
  await daemon.stop();
  assert.equal(alive(daemon.pid), false);
});
