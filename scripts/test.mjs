// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// `node scripts/test.mjs test/doctor` runs a subset. Files run one at a time: several of them
// start real daemons (PipeWire, jackd, cyclictest) that must not share the machine's two cores.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function collect(target, out) {
  const info = statSync(target);
  if (info.isDirectory()) {
    for (const entry of readdirSync(target).sort()) {
      if (entry === 'fixtures' || entry === 'node_modules') continue;
      collect(path.join(target, entry), out);
    }
  } else if (target.endsWith('.test.ts')) {
    out.push(target);
  }
  return out;
}

const targets = process.argv.slice(2);
const files = (targets.length > 0 ? targets : ['test']).flatMap((target) => collect(target, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
