/** End to end: `node bin/archibald.js doctor …` (needs `npm run build` first). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { doctorReportSchema } from '../../src/doctor/schema.js';
import { CHECKS } from '../../src/doctor/checks/index.js';
import { startProcess } from '../../src/system/processes.js';
import { isRoot, needCondition, needTools } from '../helpers/tools.js';
import { rootOf } from './support.js';

function doctor(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, ['bin/archibald.js', 'doctor', ...args], { encoding: 'utf8', env, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('this real machine: the JSON validates against the schema and the exit code is 0 or 1', () => {
  const { code, stdout, stderr } = doctor(['--json']);
  assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
  assert.equal(stderr, '');
  const report = JSON.parse(stdout);
  const valid = doctorReportSchema.safeParse(report);
  assert.ok(valid.success, JSON.stringify(valid.error?.issues));
  assert.equal(report.checks.length, CHECKS.length);
  assert.equal(code, report.counts.fail > 0 ? 1 : 0, 'exit 1 exactly when a check failed');
  assert.equal(report.host.root, null);
});

test('as an unprivileged user (nobody), with real permission-denied files, the JSON is still valid', (t) => {
  if (!needCondition(t, isRoot() && spawnSync('runuser', ['--help']).status === 0, 'needs root and runuser to switch to nobody')) return;
  const result = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, 'bin/archibald.js', 'doctor', '--json'], { encoding: 'utf8', timeout: 30_000 });
  assert.ok(result.status === 0 || result.status === 1, `exit ${result.status}: ${result.stderr}`);
  assert.equal(result.stderr, '');
  const report = JSON.parse(result.stdout);
  assert.ok(doctorReportSchema.safeParse(report).success);
  assert.equal(report.host.user, 'nobody');
  const byId = new Map(report.checks.map((check: { id: string; status: string }) => [check.id, check.status]));
  assert.equal(byId.get('root-user'), 'pass');
  assert.equal(byId.get('rt-priority'), 'fail', 'nobody has RLIMIT_RTPRIO 0 and no CAP_SYS_NICE');
});

test('fixture roots: tuned ArchibaldOS exits 0 with no failure, the stock desktop exits 1', () => {
  const tuned = doctor(['--root', rootOf('archibald'), '--json']);
  assert.equal(tuned.code, 0, tuned.stderr);
  const report = JSON.parse(tuned.stdout);
  assert.equal(report.counts.fail, 0);
  assert.equal(report.host.nixos, true);
  assert.equal(report.host.user, 'audio-user');
  assert.equal(report.host.profile, '/etc/archibald/profile.json', 'the profile is read inside the root');
  const stock = doctor(['--root', rootOf('stock'), '--json']);
  assert.equal(stock.code, 1);
  assert.ok(JSON.parse(stock.stdout).counts.fail >= 3);
});

test('--root leaks nothing of the host: no host name, kernel or user in the report', () => {
  const host = JSON.parse(doctor(['--json']).stdout);
  const { stdout } = doctor(['--root', rootOf('half'), '--json']);
  const report = JSON.parse(stdout);
  assert.equal(report.host.hostname, 'fedora-studio');
  assert.notEqual(report.host.kernel, host.host.kernel);
  if (host.host.hostname !== null) assert.ok(!stdout.includes(`"${host.host.hostname}"`));
  assert.ok(!stdout.includes(host.host.kernel), 'the host kernel release does not appear');
});

test('a mistyped subcommand gets commander’s suggestion and exit 2', () => {
  const result = spawnSync(process.execPath, ['bin/archibald.js', 'doctr'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command 'doctr'\n\(Did you mean doctor\?\)/);
});

test('--only runs just those checks; an unknown id is one line on stderr and exit 2', () => {
  const some = doctor(['--root', rootOf('stock'), '--json', '--only', 'swappiness, smt']);
  const report = JSON.parse(some.stdout);
  assert.deepEqual(report.checks.map((check: { id: string }) => check.id), ['smt', 'swappiness']);
  assert.equal(some.code, 0, 'warnings alone exit 0');
  const bad = doctor(['--only', 'swappiness,nope']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /^archibald: unknown check id in --only: nope/);
  const typo = doctor(['--only', 'mitigation,swapiness']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^archibald: unknown check ids in --only: mitigation \(did you mean mitigations\?\), swapiness \(did you mean swappiness\?\); known: /);
  assert.equal(doctor(['--root', '/nonexistent/dir']).code, 2);
  assert.equal(doctor(['--bogus-flag']).code, 2);
});

test('human output on a pipe: grouped, OK/WARN/FAIL/SKIP words, fixes under findings, no colour, a summary line', () => {
  const { stdout, code } = doctor(['--root', rootOf('stock')]);
  assert.equal(code, 1);
  assert.doesNotMatch(stdout, /\u001b\[/, 'no ANSI colour on a pipe');
  for (const group of ['Kernel', 'CPU', 'Limits & permissions', 'IRQs', 'Audio stack', 'Memory & filesystems']) assert.match(stdout, new RegExp(`^${group}$`, 'm'));
  assert.match(stdout, /^ {2}FAIL preempt-rt/m);
  assert.match(stdout, /^ {2}WARN swappiness .*\n {6}fix \(NixOS\): archibald\.audio\.sysctl\.swappiness = 0;\n {6}fix \(other\): +vm\.swappiness = 0/m);
  assert.match(stdout, /^ {2}OK {3}tickless/m);
  assert.match(stdout, /^ {2}SKIP pipewire-clock/m);
  assert.match(stdout, /^33 checks: \d+ passed, \d+ warnings, \d+ failed, \d+ skipped$/m);
});

test('--profile: a bad file is exit 2 with the schema’s message; a good one is compared against', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-doctor-profile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const profile = JSON.parse(await readFile('profiles/default.json', 'utf8'));
  profile.sysctl.maxUserWatches = 50000;
  await writeFile(path.join(dir, 'ok.json'), JSON.stringify(profile));
  const good = doctor(['--root', rootOf('stock'), '--profile', path.join(dir, 'ok.json'), '--only', 'inotify-watches,profile', '--json']);
  const report = JSON.parse(good.stdout);
  assert.equal(report.checks.find((check: { id: string }) => check.id === 'inotify-watches').status, 'pass', '65536 watches meet a profile asking for 50000');
  profile.pipewire.quantum = 33;
  await writeFile(path.join(dir, 'bad.json'), JSON.stringify(profile));
  const bad = doctor(['--profile', path.join(dir, 'bad.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^archibald: --profile: .*quantum/);
  const missing = doctor(['--profile', path.join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
});

test('pipewire-clock against a real PipeWire daemon: 1024 frames running vs the profile’s 32 fails, a matching profile passes', async (t) => {
  if (!needTools(t, ['pipewire', 'pw-metadata', 'pw-dump'])) return;
  const runtime = await mkdtemp(path.join(tmpdir(), 'archibald-doctor-pw-'));
  const env = { ...process.env, XDG_RUNTIME_DIR: runtime, PIPEWIRE_RUNTIME_DIR: runtime };
  const daemon = startProcess(['pipewire'], { env });
  t.after(async () => {
    await daemon.stop();
    await rm(runtime, { recursive: true, force: true });
  });
  // Wait for the daemon's socket rather than sleeping a fixed time.
  for (let i = 0; i < 50; i++) {
    const probe = spawnSync('pw-metadata', ['-n', 'settings'], { env, encoding: 'utf8', timeout: 2000 });
    if (probe.status === 0 && probe.stdout.includes('clock.quantum')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const failing = doctor(['--only', 'pipewire-clock', '--json'], env);
  const check = JSON.parse(failing.stdout).checks[0];
  assert.equal(check.status, 'fail', check.summary);
  assert.match(check.summary, /the profile says quantum 32, PipeWire runs 1024/);
  assert.equal(failing.code, 1);
  const profile = JSON.parse(await readFile('profiles/default.json', 'utf8'));
  const settings = spawnSync('pw-metadata', ['-n', 'settings'], { env, encoding: 'utf8' }).stdout;
  const running = { rate: Number(/clock.rate' value:'(\d+)/.exec(settings)?.[1]), quantum: Number(/clock.quantum' value:'(\d+)/.exec(settings)?.[1]), min: Number(/clock.min-quantum' value:'(\d+)/.exec(settings)?.[1]) };
  Object.assign(profile.pipewire, { rate: running.rate, quantum: running.quantum, minQuantum: running.min, maxQuantum: 8192, allowedRates: [running.rate] });
  await writeFile(path.join(runtime, 'match.json'), JSON.stringify(profile));
  const passing = doctor(['--only', 'pipewire-clock', '--json', '--profile', path.join(runtime, 'match.json')], env);
  const matched = JSON.parse(passing.stdout).checks[0];
  assert.equal(matched.status, 'pass', matched.summary);
});
