/**
 * nix/modules/installer.nix: every option typed and described (the team's shape reader), and,
 * where nixpkgs' lib is at hand, a real lib.evalModules run whose overlay output (postInstall) is
 * executed in bash against a tree laid out like calamares-nixos-extensions' $out.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { needCondition, needTools } from '../helpers/tools.js';
import { BIN, REPO, REV, SOURCE, nixpkgsLib, runCli, tempDir } from './helpers.js';

const MODULE = path.join(REPO, 'nix/modules/installer.nix');
const HARNESS = path.join(REPO, 'test/installer/fixtures/module-eval.nix');
const CALAMARES = path.join(REPO, 'nix/installer/calamares');

function nixEval(expression: string, readWrite = false): { ok: true; value: unknown } | { ok: false; error: string } {
  const args = ['--eval', '--strict', '--json', ...(readWrite ? ['--read-write-mode'] : []), '-E', expression];
  const result = spawnSync('nix-instantiate', args, { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? { ok: true, value: JSON.parse(result.stdout) } : { ok: false, error: result.stderr };
}

test('installer.nix parses and declares its options typed and described', (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const shape = nixEval(`(import ${path.join(REPO, 'test/nix/module-shape.nix')} { files = [ ${MODULE} ]; stopAt = [ ]; }).declared`);
  assert.ok(shape.ok, shape.ok ? '' : shape.error);
  assert.deepEqual(shape.value, [
    'artwork', 'calamaresExtensions', 'disko', 'enable', 'profile', 'source', 'storeContents', 'toolkit',
  ].map((name) => ({ hasDescription: true, hasType: true, path: `archibald.installer.${name}` })));
});
interface Evaluated {
  warnings: string[];
  etc: Record<string, string>;
  systemPackages: string[];
  pname: string;
  postInstall: string;
}

const fakePackage = (name: string, outPath: string): string =>
  `{ type = "derivation"; name = "${name}"; outPath = "${outPath}"; meta.mainProgram = "${name}"; }`;

const STORE_TOOLKIT = '/nix/store/11111111111111111111111111111111-archibald-0.1.0';

function evaluate(lib: string, args: { artwork: string; source?: string; profile?: string; toolkit?: string }): { ok: true; value: Evaluated } | { ok: false; error: string } {
  const result = nixEval(
    `import ${HARNESS} { lib = import ${lib}; toolkit = ${fakePackage('archibald', args.toolkit ?? STORE_TOOLKIT)};
      artwork = ${fakePackage('archibaldos-artwork', args.artwork)}; ${args.source === undefined ? '' : `source = ${args.source};`}
      ${args.profile === undefined ? '' : `profile = "${args.profile}";`} }`,
    true, // postInstall names files of this repository: they are copied to the store, as a build would
  );
  return result.ok ? { ok: true, value: result.value as Evaluated } : result;
}

async function withLib(t: TestContext): Promise<string | null> {
  if (!needTools(t, ['nix-instantiate'])) return null;
  const lib = await nixpkgsLib(t);
  return needCondition(t, lib !== null, 'nixpkgs lib not available (set ARCHIBALD_NIXPKGS_LIB to a nixpkgs lib/ directory)') ? lib : null;
}

const SOURCE_NIX = `{ url = "${SOURCE.url}"; rev = "${REV}"; narHash = "${SOURCE.narHash}"; }`;

test('the module writes /etc/archibald/source.json, adds the toolkit and disko, and warns without a pin', async (t) => {
  const lib = await withLib(t);
  if (lib === null) return;
  const pinned = evaluate(lib, { artwork: '/nix/store/22222222222222222222222222222222-artwork', source: SOURCE_NIX });
  assert.ok(pinned.ok, pinned.ok ? '' : pinned.error);
  assert.deepEqual(JSON.parse(pinned.value.etc['archibald/source.json'] as string), SOURCE);
  assert.deepEqual(pinned.value.warnings, []);
  assert.deepEqual(pinned.value.systemPackages, ['archibald', 'disko']);
  assert.equal(pinned.value.pname, 'calamares-archibaldos-extensions');

  const noHash = evaluate(lib, { artwork: '/x', source: `{ url = "github:a/b"; rev = "${REV}"; }` });
  assert.ok(noHash.ok, noHash.ok ? '' : noHash.error);
  assert.deepEqual(JSON.parse(noHash.value.etc['archibald/source.json'] as string), { url: 'github:a/b', rev: REV });

  const unpinned = evaluate(lib, { artwork: '/x' });
  assert.ok(unpinned.ok, unpinned.ok ? '' : unpinned.error);
  assert.deepEqual(unpinned.value.etc, {});
  assert.match(unpinned.value.warnings[0] ?? '', /archibald\.installer\.source is not set/);

  const badRev = evaluate(lib, { artwork: '/x', source: '{ url = "github:a/b"; rev = "main"; }' });
  assert.equal(badRev.ok, false);
  assert.match(badRev.ok ? '' : badRev.error, /archibald\.installer\.source\.rev/);
});

/** A tree laid out as calamares-nixos-extensions installs itself (current or older layout). */
async function stockTree(dir: string, layout: 'etc' | 'share'): Promise<string> {
  const out = path.join(dir, `out-${layout}`);
  const conf = path.join(out, layout === 'etc' ? 'etc/calamares' : 'share/calamares');
  await mkdir(path.join(conf, 'modules'), { recursive: true });
  await writeFile(path.join(conf, 'settings.conf'), `modules-search: [ local, ${out}/lib/calamares/modules ]\nsequence:\n- exec:\n  - nixos\nbranding: nixos\n`);
  await writeFile(path.join(conf, 'modules/welcome.conf'), 'requirements:\n  required:\n    - internet\n');
  await mkdir(path.join(out, 'lib/calamares/modules/nixos'), { recursive: true });
  await writeFile(path.join(out, 'lib/calamares/modules/nixos/main.py'), '# stock job\n');
  await mkdir(path.join(out, 'share/calamares/branding/nixos'), { recursive: true });
  return out;
}

/** stdenv's substituteInPlace --replace-fail, enough of it for the postInstall script. */
const SUBSTITUTE = `substituteInPlace() {
  python3 - "$@" <<'PY'
import sys
path, args = sys.argv[1], sys.argv[2:]
text = open(path).read()
while args:
    flag, old, new, args = args[0], args[1], args[2], args[3:]
    assert flag == "--replace-fail", flag
    if old not in text:
        sys.exit("substituteInPlace: pattern %r not found in %s" % (old, path))
    text = text.replace(old, new)
open(path, "w").write(text)
PY
}
`;

test('the overlay postInstall turns the stock package into the ArchibaldOS installer (both layouts)', async (t) => {
  const lib = await withLib(t);
  if (lib === null) return;
  if (!needTools(t, ['bash', 'python3', 'install'])) return;
  const dir = await tempDir(t, 'calamares-build');
  const artwork = path.join(dir, 'artwork');
  await mkdir(path.join(artwork, 'share/icons/hicolor/256x256/apps'), { recursive: true });
  await mkdir(path.join(artwork, 'share/wallpapers/ArchibaldOS/contents'), { recursive: true });
  await writeFile(path.join(artwork, 'share/icons/hicolor/256x256/apps/archibaldos.png'), 'logo-png');
  await writeFile(path.join(artwork, 'share/wallpapers/ArchibaldOS/contents/screenshot.png'), 'welcome-png');
  // The build runs the toolkit (it generates the profile page): this one is the real CLI.
  const toolkit = path.join(dir, 'toolkit');
  await mkdir(path.join(toolkit, 'bin'), { recursive: true });
  await writeFile(path.join(toolkit, 'bin/archibald'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  await chmod(path.join(toolkit, 'bin/archibald'), 0o755);
  const evaluated = evaluate(lib, { artwork, source: SOURCE_NIX, profile: 'live', toolkit });
  assert.ok(evaluated.ok, evaluated.ok ? '' : evaluated.error);
  const version = (JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

  for (const layout of ['etc', 'share'] as const) {
    const out = await stockTree(dir, layout);
    const build: ReturnType<typeof spawnSync> = spawnSync('bash', ['-euo', 'pipefail', '-c', `${SUBSTITUTE}\n${evaluated.value.postInstall}`], { encoding: 'utf8', env: { ...process.env, out } });
    assert.equal(build.status, 0, String(build.stderr));
    assert.match(String(build.stdout), /stock-postInstall-ran/, 'the stock postInstall still runs first');
    const conf = path.join(out, layout === 'etc' ? 'etc/calamares' : 'share/calamares');
    const settings = await readFile(path.join(conf, 'settings.conf'), 'utf8');
    assert.equal(settings, (await readFile(path.join(CALAMARES, 'config/settings.conf'), 'utf8')).replaceAll('@out@', out));
    assert.match(settings, /- exec:\n {2}- partition\n {2}- mount\n {2}- archibald\n {2}- users\n {2}- umount\n/);
    assert.ok(!/^ {2}- nixos$/m.test(settings), 'the stock nixos job is out of the sequence');
    assert.match(settings, new RegExp(`modules-search: \\[ local, ${out}/lib/calamares/modules \\]`));
    assert.ok(!(await readFile(path.join(conf, 'modules/welcome.conf'), 'utf8')).match(/required:[\s\S]*internet/), 'offline: internet not required');
    assert.equal(await readFile(path.join(conf, 'modules/archibald.conf'), 'utf8'), (await readFile(path.join(CALAMARES, 'config/modules/archibald.conf'), 'utf8')).replace('@profile@', 'live'));
    // The profile page: generated by the toolkit from the one list, the module's profile preselected.
    const page = runCli(['install', '--list-profiles', '--calamares-page', '--profile', 'live']);
    assert.equal(page.code, 0, page.stderr);
    assert.equal(await readFile(path.join(conf, 'modules/audioprofile.conf'), 'utf8'), page.stdout);
    assert.match(page.stdout, /^default: "live"$/m);
    assert.match(settings, /^instances:\n- id: audioprofile\n {2}module: packagechooser\n {2}config: audioprofile\.conf\n/m);
    assert.match(settings, /- show:\n(?: {2}- \S+\n)* {2}- users\n {2}- packagechooser@audioprofile\n {2}- partition\n/);
    const job = await readFile(path.join(out, 'lib/calamares/modules/archibald/main.py'), 'utf8');
    assert.ok(job.includes(`\nARCHIBALD = "${toolkit}/bin/archibald"\n`), 'the job calls the toolkit the module names');
    assert.equal(await readFile(path.join(out, 'lib/calamares/modules/archibald/module.desc'), 'utf8'), await readFile(path.join(CALAMARES, 'modules/archibald/module.desc'), 'utf8'));
    const branding = await readFile(path.join(out, 'share/calamares/branding/archibaldos/branding.desc'), 'utf8');
    assert.match(branding, new RegExp(`versionedName: +ArchibaldOS ${version.replaceAll('.', '\\.')}\\n`));
    assert.ok(!branding.includes('@version@'));
    assert.equal(await readFile(path.join(out, 'share/calamares/branding/archibaldos/logo.png'), 'utf8'), 'logo-png');
    assert.equal(await readFile(path.join(out, 'share/calamares/branding/archibaldos/welcome.png'), 'utf8'), 'welcome-png');
    assert.ok(existsSync(path.join(out, 'share/calamares/branding/archibaldos/show.qml')));
  }
});
