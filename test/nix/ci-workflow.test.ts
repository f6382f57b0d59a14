/**
 * CI on a real Nix host (.github/workflows/nix.yml) cannot run on these machines (Debian's Nix 2.8,
 * no nixpkgs, no network, no KVM), so what can drift is checked here instead: the workflow parses,
 * runs exactly the commands docs/nix.md ("CI on a real Nix host") and the README give users, in the
 * same order, builds every VM test in a named step with KVM enabled first, publishes the ISO's
 * SHA256SUMS on tags, pins its actions; and the flake exposes the formatter and the checks CI relies
 * on, whose build scripts do what they claim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/system/run.js';
import { needCondition, needTools } from '../helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const WORKFLOW = '.github/workflows/nix.yml';
const SYSTEM = 'x86_64-linux';

// ---------------------------------------------------------------------------------------------
// A reader for the block-style YAML subset workflows are written in: mappings, sequences, `|`
// block scalars, plain and quoted scalars, simple flow sequences. Anything else is an error, so a
// construct it does not understand fails the test instead of being misread. Scalars stay strings.

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

function parseYaml(source: string): Yaml {
  const lines = source.split('\n');
  let i = 0;
  const indentOf = (line: string): number => line.length - line.trimStart().length;
  const fail = (message: string): never => {
    throw new Error(`${WORKFLOW}:${i + 1}: ${message}: ${JSON.stringify(lines[i] ?? '')}`);
  };
  const skipBlank = (): void => {
    while (i < lines.length && /^\s*(#.*)?$/.test(lines[i]!)) i++;
  };
  const KEY = /^([A-Za-z0-9_.-]+|"[^"]*"|'[^']*'):(?:[ ]+(.*))?$/;

  function scalar(text: string): Yaml {
    const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*(?:#.*)?$/.exec(text);
    if (quoted) {
      const body = quoted[1]!;
      return body.startsWith('"') ? (JSON.parse(body) as string) : body.slice(1, -1).replace(/''/g, "'");
    }
    const plain = text.replace(/\s+#.*$/, '').trim();
    if (plain.startsWith('[')) {
      if (!plain.endsWith(']')) fail('unterminated flow sequence');
      const inner = plain.slice(1, -1).trim();
      return inner === '' ? [] : inner.split(',').map((item) => scalar(item.trim()));
    }
    if (/^[{&*!|>%@`]/.test(plain)) fail('unsupported YAML construct');
    return plain === '' || plain === '~' || plain === 'null' ? null : plain;
  }

  function blockScalar(parentIndent: number, indicator: string): string {
    if (indicator !== '|' && indicator !== '|-') fail(`unsupported block scalar ${indicator}`);
    const body: string[] = [];
    let blockIndent = -1;
    while (i < lines.length) {
      const line = lines[i]!;
      if (line.trim() === '') {
        body.push('');
        i++;
        continue;
      }
      const indent = indentOf(line);
      if (indent <= parentIndent) break;
      if (blockIndent < 0) blockIndent = indent;
      if (indent < blockIndent) fail('block scalar line indented less than its first line');
      body.push(line.slice(blockIndent));
      i++;
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    return indicator === '|-' ? body.join('\n') : `${body.join('\n')}\n`;
  }

  function value(rest: string, indent: number): Yaml {
    const text = rest.replace(/^\s*#.*$/, '').trim();
    if (text === '|' || text === '|-' || text.startsWith('>')) return blockScalar(indent, text);
    if (text !== '') return scalar(text);
    skipBlank();
    if (i < lines.length && indentOf(lines[i]!) > indent) return node(indentOf(lines[i]!));
    return null;
  }

  function mapping(indent: number): YamlMap {
    const out: YamlMap = {};
    for (;;) {
      skipBlank();
      if (i >= lines.length || indentOf(lines[i]!) < indent) return out;
      if (indentOf(lines[i]!) > indent) fail('unexpected indentation');
      const match = KEY.exec(lines[i]!.slice(indent));
      if (!match) fail('expected `key: value`');
      const key = scalar(match![1]!) as string;
      if (key in out) fail(`duplicate key ${key}`);
      i++;
      out[key] = value(match![2] ?? '', indent);
    }
  }

  function sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (;;) {
      skipBlank();
      if (i >= lines.length || indentOf(lines[i]!) < indent) return out;
      const line = lines[i]!;
      if (indentOf(line) > indent || !/^- /.test(line.slice(indent))) fail('expected `- item`');
      const rest = line.slice(indent + 2);
      if (KEY.test(rest.trimEnd()) || /^[A-Za-z0-9_.-]+:$/.test(rest.trimEnd())) {
        lines[i] = ' '.repeat(indent + 2) + rest; // `- key: v` opens a mapping at the item's indent
        out.push(mapping(indent + 2));
      } else {
        i++;
        out.push(scalar(rest));
      }
    }
  }

  function node(indent: number): Yaml {
    skipBlank();
    if (i >= lines.length) return null;
    return /^- /.test(lines[i]!.slice(indent)) ? sequence(indent) : mapping(indent);
  }

  const result = node(0);
  skipBlank();
  if (i < lines.length) fail('trailing content');
  return result;
}

// ---------------------------------------------------------------------------------------------

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (): Workflow => parseYaml(read(WORKFLOW)) as unknown as Workflow;

/** Steps that run a user-facing command: every step with `run:` except the `Runner: ...` set-up. */
function commandSteps(job: Job): { name: string; command: string }[] {
  return job.steps
    .filter((step) => step.run !== undefined && !(step.name ?? '').startsWith('Runner:'))
    .map((step) => {
      const lines = step.run!.split('\n').filter((line) => line.trim() !== '');
      assert.equal(lines.length, 1, `step "${step.name}" must run one command, the one the docs give`);
      return { name: step.name ?? '', command: lines[0]!.trim() };
    });
}

const allCommands = (wf: Workflow): string[] => Object.values(wf.jobs).flatMap((job) => commandSteps(job).map((step) => step.command));

/** Command lines of the first ```sh block after `marker` (and before `end`, when given). */
function shBlockAfter(text: string, marker: string, end?: string): string[] {
  const start = text.indexOf(marker);
  assert.ok(start >= 0, `marker not found: ${marker}`);
  const stop = end === undefined ? text.length : text.indexOf(end, start + marker.length);
  const region = text.slice(start, stop < 0 ? text.length : stop);
  const block = /```sh\n([\s\S]*?)\n```/.exec(region);
  assert.ok(block, `no sh block after ${marker}`);
  return commandLines(block[1]!);
}

/** A block's commands: full-line comments dropped, `  # comment` tails (two spaces or more) cut. */
const commandLines = (block: string): string[] =>
  block
    .split('\n')
    .map((line) => line.replace(/\s{2,}#\s.*$/, '').trimEnd())
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));

const docsCommands = (): string[] => shBlockAfter(read('docs/nix.md'), '\n## CI on a real Nix host\n', '\n## ');
const readmeCommands = (): string[] => shBlockAfter(read('README.md'), '`.github/workflows/nix.yml`');
const readmeShLines = (): string[] => [...read('README.md').matchAll(/```sh\n([\s\S]*?)\n```/g)].flatMap((m) => commandLines(m[1]!));

// ---------------------------------------------------------------------------------------------

test('the YAML reader reads the shapes workflows use and rejects what it does not know', () => {
  const parsed = parseYaml(
    [
      'name: x  # comment',
      'on:',
      '  push:',
      '    tags: ["v*", \'w\']',
      '  pull_request:',
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: o/r@v1',
      '      - name: "Runner: one"',
      '        run: |',
      '          first',
      '',
      '          second # not a comment inside a block',
      '        with:',
      '          k: false',
      '      - run: nix build .#installer',
    ].join('\n'),
  );
  assert.deepEqual(parsed, {
    name: 'x',
    on: { push: { tags: ['v*', 'w'] }, pull_request: null },
    jobs: {
      a: {
        steps: [
          { uses: 'o/r@v1' },
          { name: 'Runner: one', run: 'first\n\nsecond # not a comment inside a block\n', with: { k: 'false' } },
          { run: 'nix build .#installer' },
        ],
      },
    },
  });
  assert.throws(() => parseYaml('a: {b: 1}'), /unsupported/);
  assert.throws(() => parseYaml('a: 1\n   b: 2'), /indentation/);
  assert.throws(() => parseYaml('a: 1\na: 2'), /duplicate/);
});

test('the workflow parses, and PyYAML (where installed) reads the same document', async (t) => {
  const mine = workflow();
  assert.ok(mine.jobs.check && mine.jobs.iso, 'jobs check and iso');
  if (!needTools(t, ['python3'])) return;
  const probe = await run(['python3', '-c', 'import yaml'], { timeoutMs: 20_000 });
  if (!needCondition(t, probe.ok, 'python3 has no yaml module (python3-yaml)')) return;
  // PyYAML is YAML 1.1: `on` reads as the boolean true, numbers and booleans as such. Normalise to
  // strings, as GitHub's own reader and ours see them.
  const script = [
    'import json, sys, yaml',
    'def norm(v):',
    '    if isinstance(v, dict): return {("on" if k is True else str(k)): norm(x) for k, x in v.items()}',
    '    if isinstance(v, list): return [norm(x) for x in v]',
    '    if isinstance(v, bool): return "true" if v else "false"',
    '    return None if v is None else str(v)',
    'print(json.dumps(norm(yaml.safe_load(open(sys.argv[1])))))',
  ].join('\n');
  const result = await run(['python3', '-c', script, path.join(root, WORKFLOW)], { timeoutMs: 20_000 });
  assert.ok(result.ok, result.ok ? '' : result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), mine);
});

test('the workflow runs exactly the commands docs/nix.md and the README give, in order', () => {
  const commands = allCommands(workflow());
  assert.deepEqual(docsCommands(), commands, 'docs/nix.md "CI on a real Nix host" block vs workflow');
  assert.deepEqual(readmeCommands(), commands, 'README CI block vs workflow');
  // The README's other lines for the same commands must not be variants of what CI runs.
  const variants = readmeShLines().filter(
    (line) => /^(nix flake check|nix build \.#installer|nix fmt --)(\s|$)/.test(line) && !commands.includes(line),
  );
  assert.deepEqual(variants, []);
  for (const wanted of [
    'nix flake check',
    `nix build .#nixosConfigurations.archibaldOS.config.system.build.toplevel`,
    'nix build .#installer',
    'nix fmt -- --ci',
  ]) {
    assert.ok(commands.includes(wanted), `CI runs ${wanted}`);
  }
});

test('check job: KVM before Nix, every VM test in a named step, flake check last', async (t) => {
  const job = workflow().jobs.check!;
  const index = (predicate: (step: Step) => boolean): number => job.steps.findIndex(predicate);
  const kvm = index((step) => (step.run ?? '').includes('KERNEL=="kvm"'));
  const nix = index((step) => (step.uses ?? '').startsWith('cachix/install-nix-action@'));
  assert.ok(kvm >= 0 && nix > kvm, 'the KVM udev rule is set before Nix is installed');
  const kvmScript = job.steps[kvm]!.run!;
  for (const part of ['/etc/udev/rules.d/', 'udevadm control --reload-rules', 'udevadm trigger --name-match=kvm', 'test -w /dev/kvm']) {
    assert.ok(kvmScript.includes(part), `KVM step: ${part}`);
  }
  assert.ok(index((step) => (step.uses ?? '').startsWith('DeterminateSystems/magic-nix-cache-action@')) > nix, 'cache after Nix');
  assert.match(job.steps[nix]!.with?.extra_nix_config ?? '', /system-features = .*\bkvm\b/);

  const steps = commandSteps(job);
  assert.equal(steps[0]!.command, 'nix fmt -- --ci', 'formatting first (fast)');
  assert.equal(steps[steps.length - 1]!.command, 'nix flake check', 'flake check last');
  if (!needTools(t, ['nix-instantiate'])) return;
  const vmChecks = (await flakeOutputs()).checks.filter((name) => name.startsWith('audio-vm-'));
  assert.ok(vmChecks.length >= 2, `VM tests: ${vmChecks.join(', ')}`);
  for (const name of vmChecks) {
    const step = steps.find((s) => s.command === `nix build .#checks.${SYSTEM}.${name}`);
    assert.ok(step, `a step builds checks.${SYSTEM}.${name}`);
    assert.ok(step.name.includes(name), `its step is named after ${name}: "${step.name}"`);
  }
});

test('iso job: tags only, after check, ISO and SHA256SUMS as artifact and release assets', () => {
  const wf = workflow();
  assert.deepEqual((wf.on.push as { tags?: string[] }).tags, ['v*']);
  assert.ok('pull_request' in wf.on);
  const job = wf.jobs.iso!;
  assert.match(job.if ?? '', /startsWith\(github\.ref, 'refs\/tags\/v'\)/);
  assert.equal(job.needs, 'check');
  assert.equal(job.permissions?.contents, 'write');
  assert.deepEqual(
    commandSteps(job).map((step) => step.command),
    ['nix build .#installer', '(cd result/iso && sha256sum *.iso) > SHA256SUMS'],
  );
  for (const action of ['actions/upload-artifact@', 'softprops/action-gh-release@']) {
    const step = job.steps.find((s) => (s.uses ?? '').startsWith(action));
    assert.ok(step, action);
    const files = (step.with?.path ?? step.with?.files ?? '').split('\n').map((line) => line.trim());
    assert.ok(files.includes('result/iso/*.iso') && files.includes('SHA256SUMS'), `${action} publishes the ISO and SHA256SUMS`);
  }
  const commands = allCommands(wf);
  assert.ok(!commandSteps(wf.jobs.check!).some((step) => step.command.includes('.#installer')), 'the ISO is built on tags only');
  assert.ok(commands.indexOf('nix build .#installer') < commands.indexOf('(cd result/iso && sha256sum *.iso) > SHA256SUMS'));
});

test('every action is pinned to a version tag', () => {
  const uses = Object.values(workflow().jobs).flatMap((job) => job.steps.map((step) => step.uses).filter((u): u is string => u !== undefined));
  assert.ok(uses.length >= 8);
  assert.deepEqual(
    uses.filter((u) => !/^[\w.-]+\/[\w.-]+@v\d+(\.\d+){0,2}$/.test(u)),
    [],
  );
});

// ---------------------------------------------------------------------------------------------
// The flake side, evaluated with Nix 2.8 against a stand-in nixpkgs: outputs are lazy, so the
// formatter and the checks' names and callPackage targets evaluate without nixpkgs itself.

interface FlakeView {
  formatter: string;
  checks: string[];
  nixLib: string;
  formatting: { file: string; src: string };
}

let flakeView: Promise<FlakeView> | undefined;
function flakeOutputs(): Promise<FlakeView> {
  flakeView ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'archibald-stub-nixpkgs-'));
    try {
      writeFileSync(
        path.join(dir, 'default.nix'),
        [
          '{ ... }:',
          'let stub = name: { type = "derivation"; stub = name; name = name; }; in',
          '{',
          '  nixfmt-tree = stub "nixfmt-tree";',
          '  nixfmt = stub "nixfmt";',
          '  callPackage = fn: args: { callPackage = toString fn; inherit args; };',
          '}',
        ].join('\n'),
      );
      const expression = `
        let
          flake = import ${JSON.stringify(path.join(root, 'flake.nix'))};
          inputs = {
            self = outputs;
            nixpkgs = { outPath = ${JSON.stringify(dir)}; lib = { }; };
            musnix = { };
            disko = { };
          };
          outputs = flake.outputs inputs;
          sys = "${SYSTEM}";
          checks = outputs.checks.\${sys};
        in {
          formatter = outputs.formatter.\${sys}.stub;
          checks = builtins.attrNames checks;
          nixLib = checks.nix-lib.callPackage;
          formatting = { file = checks.formatting.callPackage; src = toString checks.formatting.args.src; };
        }`;
      const result = await run(['nix-instantiate', '--eval', '--strict', '--json', '-E', expression], { timeoutMs: 60_000, cwd: root });
      if (!result.ok) throw new Error(`nix-instantiate failed (${result.reason}): ${result.stderr}`);
      return JSON.parse(result.stdout) as FlakeView;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return flakeView;
}

test('the flake exposes formatter nixfmt-tree and the formatting, nix-lib and VM checks', async (t) => {
  if (!needTools(t, ['nix-instantiate'])) return;
  const flake = await flakeOutputs();
  assert.equal(flake.formatter, 'nixfmt-tree');
  // `nixfmt-rfc-style` is an alias of `nixfmt` that prints an evaluation warning in current nixpkgs.
  assert.doesNotMatch(read('flake.nix'), /pkgs\.nixfmt-rfc-style\b/);
  for (const name of ['formatting', 'nix-lib', 'profiles', 'toolkit', 'audio-vm-rt', 'audio-vm-lowlatency']) {
    assert.ok(flake.checks.includes(name), `checks.${SYSTEM}.${name}`);
  }
  assert.equal(flake.nixLib, path.join(root, 'nix/tests/nix-lib.nix'));
  assert.equal(flake.formatting.file, path.join(root, 'nix/tests/formatting.nix'));
  assert.equal(flake.formatting.src, root, 'formatting checks the whole flake source');
  // Every check CI builds by name exists in the flake.
  const built = allCommands(workflow()).flatMap((command) => [...command.matchAll(/\.#checks\.x86_64-linux\.([\w-]+)/g)].map((m) => m[1]!));
  assert.deepEqual(built.filter((name) => !flake.checks.includes(name)), []);
});

/** Evaluates a check file with a runCommand stand-in that returns what it was given. */
async function checkScript(file: string, args: string): Promise<{ name: string; env: Record<string, unknown>; script: string }> {
  const expression = `import ${JSON.stringify(path.join(root, file))} ({ runCommand = name: env: script: { inherit name env script; }; } // ${args})`;
  const result = await run(['nix-instantiate', '--eval', '--strict', '--json', '-E', expression], { timeoutMs: 60_000, cwd: root });
  if (!result.ok) throw new Error(`nix-instantiate failed (${result.reason}): ${result.stderr}`);
  return JSON.parse(result.stdout) as { name: string; env: Record<string, unknown>; script: string };
}

test('checks.nix-lib builds on the real nix/lib results and fails its build on a failing case', async (t) => {
  if (!needTools(t, ['nix-instantiate', 'bash'])) return;
  const passing = await checkScript('nix/tests/nix-lib.nix', '{ }');
  assert.match(passing.script, /^echo "\d+ nix\/lib tests passed" > \$out\n$/);
  const failing = await checkScript(
    'nix/tests/nix-lib.nix',
    '{ results = { passed = 2; failures = [ { name = "planted"; expected = 1; actual = 2; } ]; }; }',
  );
  assert.deepEqual(JSON.parse(failing.env.failures as string), [{ name: 'planted', expected: 1, actual: 2 }]);
  // Run both build scripts as the builder would (bash -e, $out set).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'archibald-nix-lib-check-'));
  try {
    const ok = await run(['bash', '-e', '-c', passing.script], { timeoutMs: 10_000, env: { ...process.env, out: path.join(dir, 'ok') } });
    assert.ok(ok.ok);
    assert.match(readFileSync(path.join(dir, 'ok'), 'utf8'), /^\d+ nix\/lib tests passed\n$/);
    const bad = await run(['bash', '-e', '-c', failing.script], {
      timeoutMs: 10_000,
      env: { ...process.env, out: path.join(dir, 'bad'), failures: failing.env.failures as string },
    });
    assert.equal(bad.ok, false);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /1 failed, 2 passed/);
    assert.match(bad.stderr, /planted/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checks.formatting runs nixfmt --check over every .nix file of the source', async (t) => {
  if (!needTools(t, ['nix-instantiate', 'bash', 'find', 'xargs', 'sort'])) return;
  const check = await checkScript('nix/tests/formatting.nix', `{ nixfmt = "nixfmt"; src = ${JSON.stringify(root)}; }`);
  assert.deepEqual(check.env.nativeBuildInputs, ['nixfmt']);
  assert.match(check.script, /nixfmt --check/);
  assert.match(check.script, /touch \$out/);
  // Run it with a stand-in nixfmt that records its arguments and passes: it must see every .nix file.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'archibald-formatting-check-'));
  try {
    writeFileSync(path.join(dir, 'nixfmt'), `#!/bin/sh\nfor f in "$@"; do echo "$f"; done >> ${JSON.stringify(path.join(dir, 'args'))}\n`, { mode: 0o755 });
    const result = await run(['bash', '-e', '-c', check.script], {
      timeoutMs: 30_000,
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, out: path.join(dir, 'out') },
    });
    assert.ok(result.ok, result.ok ? '' : result.stderr);
    const seen = readFileSync(path.join(dir, 'args'), 'utf8').split('\n').filter(Boolean);
    assert.ok(seen[0] === '--check', 'nixfmt is called in check mode');
    const files = seen.filter((arg) => arg !== '--check').map((file) => file.replace(/^\.\//, ''));
    for (const file of ['flake.nix', 'nix/lib/tests.nix', 'nix/tests/formatting.nix']) assert.ok(files.includes(file), file);
    assert.ok(files.every((file) => file.endsWith('.nix')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
