/**
 * `archibald apply` end to end. NixOS cannot run here, so `nixos-rebuild` is a fake on PATH that
 * records its argv (and the profile.json it saw) and exits as told; NixOS detection is forced
 * with ARCHIBALD_ASSUME_NIXOS. Everything else — the atomic write, the backup, the restore — is real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { archibald, REPO } from './cli.js';

const LIVE = path.join(REPO, 'profiles/live.json');

interface Rig {
  flake: string;
  log: string;
  env: NodeJS.ProcessEnv;
  previous: string;
}

const FAKE_REBUILD = `#!/bin/sh
# fake nixos-rebuild: records argv and the profile it saw, exits as the test says
echo "$*" >> "$FAKE_LOG"
cp "$FAKE_FLAKE/profile.json" "$FAKE_LOG.$1"
echo "fake nixos-rebuild $1 output line"
case "$1" in
  dry-build) [ -n "$FAKE_DRY_SLEEP" ] && sleep "$FAKE_DRY_SLEEP"
    [ -n "$FAKE_DRY_EXIT" ] && { echo "error: attribute 'archibald' missing" >&2; exit "$FAKE_DRY_EXIT"; } ;;
  switch) [ -n "$FAKE_SWITCH_EXIT" ] && { echo "error: activation failed" >&2; exit "$FAKE_SWITCH_EXIT"; } ;;
esac
exit 0
`;

async function rig(t: { after: (fn: () => Promise<void>) => void }, extra: NodeJS.ProcessEnv = {}): Promise<Rig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archibald-apply-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'bin');
  const flake = path.join(dir, 'etc-nixos');
  await mkdir(bin);
  await mkdir(flake);
  await writeFile(path.join(bin, 'nixos-rebuild'), FAKE_REBUILD);
  await chmod(path.join(bin, 'nixos-rebuild'), 0o755);
  await writeFile(path.join(flake, 'flake.nix'), '{ outputs = _: { }; }\n');
  // The installed system's profile, with its own formatting: restored means these exact bytes.
  const previous = `${(await readFile(path.join(REPO, 'profiles/default.json'), 'utf8')).replace(/\n/g, '\r\n')}`;
  await writeFile(path.join(flake, 'profile.json'), previous);
  const log = path.join(dir, 'rebuild.log');
  return {
    flake,
    log,
    previous,
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ARCHIBALD_ASSUME_NIXOS: '1', FAKE_LOG: log, FAKE_FLAKE: flake, ...extra },
  };
}

test('apply: dry-build then switch, in that order, with the new profile in place', async (t) => {
  const r = await rig(t);
  const result = await archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    await readFile(r.log, 'utf8'),
    `dry-build --flake ${r.flake}#studio-pc\nswitch --flake ${r.flake}#studio-pc\n`,
  );
  const live = await readFile(LIVE, 'utf8');
  assert.equal(await readFile(`${r.log}.dry-build`, 'utf8'), live, 'dry-build saw the new profile');
  assert.equal(await readFile(path.join(r.flake, 'profile.json'), 'utf8'), live);
  assert.equal(await readFile(path.join(r.flake, 'profile.json.bak'), 'utf8'), r.previous);
  assert.match(result.stdout, /switched to profile live/);
  assert.match(result.stderr, /fake nixos-rebuild switch output line/, 'the rebuild output is streamed to stderr');
});

test('apply: a failing dry-build restores the profile byte for byte and never switches', async (t) => {
  const r = await rig(t, { FAKE_DRY_EXIT: '1' });
  const result = await archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env });
  assert.equal(result.code, 1);
  assert.equal(await readFile(r.log, 'utf8'), `dry-build --flake ${r.flake}#studio-pc\n`);
  assert.equal(await readFile(path.join(r.flake, 'profile.json'), 'utf8'), r.previous);
  const last = result.stderr.trim().split('\n').slice(-2);
  assert.deepEqual(last, [
    `archibald: nixos-rebuild dry-build exited with 1 (error: attribute 'archibald' missing); restored the previous ${path.join(r.flake, 'profile.json')}; nothing was activated; the running system is unchanged`,
    '  to undo an earlier switch: nixos-rebuild switch --rollback',
  ]);
});

test('apply: a failing switch restores the profile and names the rollback', async (t) => {
  const r = await rig(t, { FAKE_SWITCH_EXIT: '4' });
  const result = await archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc', '--json'], { env: r.env });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', '--json prints nothing on stdout when apply fails');
  assert.equal(await readFile(r.log, 'utf8'), `dry-build --flake ${r.flake}#studio-pc\nswitch --flake ${r.flake}#studio-pc\n`);
  assert.equal(await readFile(path.join(r.flake, 'profile.json'), 'utf8'), r.previous);
  assert.match(
    result.stderr,
    /\narchibald: nixos-rebuild switch exited with 4 \(error: activation failed\); restored the previous .*profile\.json; if the system is left half-switched, roll back with `nixos-rebuild switch --rollback`\n$/,
  );
});

test('apply --dry-run prints the plan (files and argv) and changes nothing', async (t) => {
  const r = await rig(t);
  const result = await archibald(['apply', '--dry-run', '--json', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env });
  assert.equal(result.code, 0, result.stderr);
  const target = path.join(r.flake, 'profile.json');
  assert.deepEqual(JSON.parse(result.stdout), {
    dryRun: true,
    profile: { file: LIVE, name: 'live' },
    nixos: true,
    rebuild: {
      write: target,
      backup: `${target}.bak`,
      run: [
        ['nixos-rebuild', 'dry-build', '--flake', `${r.flake}#studio-pc`],
        ['nixos-rebuild', 'switch', '--flake', `${r.flake}#studio-pc`],
      ],
      onFailure: { restore: target, rollback: ['nixos-rebuild', 'switch', '--rollback'] },
    },
    live: null,
  });
  assert.equal(await readFile(target, 'utf8'), r.previous);
  assert.deepEqual((await readdir(r.flake)).sort(), ['flake.nix', 'profile.json']);
  await assert.rejects(readFile(r.log), { code: 'ENOENT' }, 'nixos-rebuild was not run');
  const human = await archibald(['apply', '--dry-run', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env });
  assert.match(human.stdout, /run {4}nixos-rebuild dry-build --flake .*#studio-pc\n {2}run {4}nixos-rebuild switch --flake .*#studio-pc {3}\(only if the dry-build succeeded\)/);
});

test('apply off NixOS (without --live) explains what it would do and exits 2', async (t) => {
  const r = await rig(t, { ARCHIBALD_ASSUME_NIXOS: '0' });
  const result = await archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    `archibald: this is not NixOS (ARCHIBALD_ASSUME_NIXOS=0): apply would write ${path.join(r.flake, 'profile.json')} and run \`nixos-rebuild dry-build --flake ${r.flake}#studio-pc\`, then \`nixos-rebuild switch\`\n` +
      '  elsewhere, `archibald apply --live` sets the PipeWire quantum and rate on the running daemon; the rest of the profile needs NixOS\n',
  );
  assert.equal(await readFile(path.join(r.flake, 'profile.json'), 'utf8'), r.previous);
  const badHost = await archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'a;b'], { env: r.env });
  assert.deepEqual([badHost.code, badHost.stderr], [2, 'archibald: --host "a;b" is not a flake host name (letters, digits, "-" and "_")\n']);
});

test('apply: Ctrl-C during the dry-build stops it and restores the profile', async (t) => {
  const r = await rig(t, { FAKE_DRY_SLEEP: '30' });
  let pid = 0;
  const running = archibald(['apply', '--file', LIVE, '--flake', r.flake, '--host', 'studio-pc'], { env: r.env, onSpawn: (child) => void (pid = child.pid ?? 0) });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await readFile(`${r.log}.dry-build`).then(() => true, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.kill(pid, 'SIGINT');
  const result = await running;
  assert.equal(result.code, 1, result.stderr);
  assert.equal(await readFile(r.log, 'utf8'), `dry-build --flake ${r.flake}#studio-pc\n`, 'switch never ran');
  assert.equal(await readFile(path.join(r.flake, 'profile.json'), 'utf8'), r.previous);
  assert.match(result.stderr, /archibald: nixos-rebuild dry-build could not run or was stopped.*; restored the previous .*profile\.json; nothing was activated/);
});

test('NixOS is recognised from os-release, including derivatives such as ArchibaldOS (ID_LIKE)', async () => {
  const { osReleaseIsNixos } = await import('../../src/profile/apply/plan.js');
  const cases: Array<[string, boolean]> = [
    ['ID=nixos\nNAME=NixOS\n', true],
    ['ID="nixos"\n', true],
    ['ID=archibaldos\nID_LIKE=nixos\nNAME=ArchibaldOS\n', true],
    ['ID=foo\nID_LIKE="debian nixos"\n', true],
    ['ID=debian\nNAME="Debian GNU/Linux"\n', false],
    ['ID=ubuntu\nID_LIKE=debian\n', false],
    ['ID=nixosish\n', false],
  ];
  for (const [text, expected] of cases) assert.equal(osReleaseIsNixos(text), expected, JSON.stringify(text));
});
