/**
 * Scheduling latency with and without load, through the real CLI:
 *   node --import tsx bench/rt-load.ts [seconds=30] [loads=none,half,full]
 * Runs `archibald bench rt --duration S --load L --json` for each load (needs a build, root or
 * rtprio limits, cyclictest and stress-ng) and prints one row per load and CPU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statsRow, type BenchRtReport } from '../src/bench/rt/report.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// ARCHIBALD_BIN: a launcher built elsewhere (default: this checkout's bin/archibald.js).
const bin = process.env.ARCHIBALD_BIN ?? path.join(repo, 'bin/archibald.js');
const seconds = process.argv[2] ?? '30';
const loads = (process.argv[3] ?? 'none,half').split(',');
// Keep benchmark runs out of the user's "latest result".
const stateDir = mkdtempSync(path.join(tmpdir(), 'archibald-bench-rt-'));

const rows: string[][] = [['load', 'cpu', 'samples', 'min', 'avg', 'p99', 'p99.9', 'max', 'overflows', 'verdict']];
let kernel = '';
try {
  for (const load of loads) {
    const run = spawnSync(process.execPath, [bin, 'bench', 'rt', '--duration', seconds, '--load', load, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, ARCHIBALD_STATE_DIR: stateDir },
      timeout: (Number(seconds) + 60) * 1000,
    });
    if (run.status !== 0 && run.status !== 1) {
      process.stderr.write(`load ${load}: exit ${run.status}: ${run.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const report = JSON.parse(run.stdout) as BenchRtReport;
    kernel = `kernel ${report.kernel.release}${report.kernel.realtime ? ' PREEMPT_RT' : ' (not PREEMPT_RT)'}, cyclictest ${report.cyclictest.version}`;
    for (const thread of report.threads) rows.push([load, ...statsRow(String(thread.cpu), thread), '']);
    rows.push([load, ...statsRow('all', report.overall), report.verdict]);
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
console.log(`bench rt: ${seconds} s per load, latencies in µs; ${kernel}`);
for (const row of rows) console.log(row.map((value, column) => value.padStart(widths[column]!)).join('  '));
