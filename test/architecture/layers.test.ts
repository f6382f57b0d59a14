import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkArchitecture, specifiers, type Violation } from '../helpers/architecture.js';

/**
 * Files outside src/system that may touch the OS directly, each with its reason. The check fails
 * on any other, and on an exception that no longer imports anything it would need one for.
 */
const OS_EXCEPTIONS = new Map<string, string>([
  ['src/doctor/gen-schema.ts', 'a developer script run from the repository (writes docs/doctor.schema.json), never part of the CLI'],
  ['src/console/assets.ts', "the console's static assets: read once at start-up from dist/web, the bundle built beside the CLI"],
  ['src/html/page.ts', "inlines uPlot's own files from node_modules into the self-contained page (a build-time asset, not a system file)"],
  // Not yet through System (issue 12, the OS door): each still reads/writes files or starts children itself.
  ['src/pipewire/profiler-socket.ts', 'pending: the profiler socket is not yet a System socket'],
  ['src/bench/rtl/files.ts', 'pending: the measurement scratch files are not yet System files'],
  ['src/bench/rtl/measure-jack.ts', 'pending: its scratch files (stimulus, recording) are not yet System files'],
  ['src/bench/rtl/measure-pipewire.ts', 'pending: its scratch files (stimulus, recording) are not yet System files'],
  ['src/console/cli-runner.ts', 'pending: finds the built CLI with existsSync'],
  ['src/console/command.ts', 'pending: the detached browser launch and the listening socket are not yet System'],
  ['src/installer/apply.ts', 'pending: stages and moves target folders with fs/promises (its children already go through System.start)'],
  ['src/latency/command.ts', 'pending: reads the saved rtl result directly'],
  ['src/profile/apply/carry-out.ts', 'pending: reads the profile back with fs/promises (its children already go through System)'],
  ['src/profile/apply/command.ts', 'pending: checks the flake directory with lstat'],
  ['src/profile/command.ts', 'pending: profile files are not yet System files'],
  ['src/profile/load.ts', 'pending: profile files are not yet System files'],
  ['src/profile/store.ts', 'pending: profile files are not yet System files'],
]);

function sourceTree(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name)) files.set(file, readFileSync(file, 'utf8'));
    }
  };
  walk('src');
  return files;
}

const show = (violations: readonly Violation[]): string => violations.map((v) => `${v.rule}: ${v.file}: ${v.detail}`).join('\n');
const planted = (file: string, text: string): Map<string, string> => new Map([...sourceTree(), [file, text]]);

test('src/ keeps its layers: no folder cycle, no reach into another capability, no OS import outside src/system', () => {
  const violations = checkArchitecture(sourceTree(), OS_EXCEPTIONS);
  assert.deepEqual(violations, [], show(violations));
});

test('every named OS exception is still needed', () => {
  const tree = sourceTree();
  for (const file of OS_EXCEPTIONS.keys()) {
    const text = tree.get(file);
    assert.ok(text !== undefined, `${file} is gone: drop its exception`);
    const without = checkArchitecture(tree, new Map([...OS_EXCEPTIONS].filter(([name]) => name !== file)));
    assert.ok(without.some((v) => v.rule === 'os' && v.file === file), `${file} no longer touches the OS: drop its exception`);
  }
});

test('a planted import from a domain library into a capability fails as a layer breach and a cycle', () => {
  const violations = checkArchitecture(planted('src/linux/planted.ts', "import { doctorReport } from '../doctor/index.js';\n"), OS_EXCEPTIONS);
  assert.ok(violations.some((v) => v.rule === 'layer' && v.file === 'src/linux/planted.ts'), show(violations));
  assert.ok(violations.some((v) => v.rule === 'cycle' && v.detail.includes('doctor') && v.detail.includes('linux')), show(violations));
});

test("a planted import of another capability's internals fails", () => {
  const violations = checkArchitecture(planted('src/report/planted.ts', "export { startServer } from '../console/server.js';\n"), OS_EXCEPTIONS);
  assert.deepEqual(violations.map((v) => [v.rule, v.file]), [['internals', 'src/report/planted.ts']], show(violations));
});

test('a planted import through public surfaces still fails when it closes a folder cycle', () => {
  // console already imports profile/index.ts; profile importing console closes the loop.
  const violations = checkArchitecture(planted('src/profile/planted.ts', "import { cliRunner } from '../console/index.js';\n"), OS_EXCEPTIONS);
  assert.deepEqual(violations.map((v) => v.rule), ['cycle'], show(violations));
  assert.match(violations[0]!.detail, /console -> .*profile|profile -> .*console/);
});

test('a planted OS import outside src/system fails, for node: built-ins and for system/run|processes', () => {
  for (const text of ["import { readFile } from 'node:fs/promises';\n", "import { spawn } from 'child_process';\n", "import net from 'node:net';\n", "const { run } = await import('../system/run.js');\n", "import { startProcess } from '../system/processes.js';\n"]) {
    const violations = checkArchitecture(planted('src/latency/planted.ts', text), OS_EXCEPTIONS);
    assert.deepEqual(violations.map((v) => [v.rule, v.file]), [['os', 'src/latency/planted.ts']], `${text}\n${show(violations)}`);
  }
});

test('the import scanner sees static, re-export, side-effect, type-only and dynamic imports', () => {
  const text = "import a from './a.js';\nimport type { B } from './b.js';\nexport * from './c.js';\nimport './d.css';\nconst e = await import('./e.js');\nexport { f } from \"./f.js\";\n";
  assert.deepEqual(specifiers(text), ['./a.js', './b.js', './c.js', './d.css', './e.js', './f.js']);
});
