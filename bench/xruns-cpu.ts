/**
 * What `bench xruns` costs and what it measures, through the real CLI against private daemons:
 *   node --import tsx bench/xruns-cpu.ts [seconds=20] [quanta=16,32,64,256,1024] [loads=none,rt]
 * For each quantum and load it starts PipeWire (null sink + WirePlumber), plays noise with pw-play
 * at that quantum, runs `archibald bench xruns --duration S --json`, and prints cycles, xruns,
 * the worst DSP load and the monitor's CPU use: as the CLI reports it over the watch, after its
 * first 10 s (steady state), and from /usr/bin/time for the whole process including start-up. Then the same for jackd (dummy backend).
 * Load "rt" is stress-ng --cpu 2 --cpu-load 70 at SCHED_FIFO 95, above PipeWire's 88.
 * Needs a build (npm run build), pipewire, wireplumber, pw-play, sox, stress-ng, jackd, python3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchXrunsReport } from '../src/bench/xruns/report.js';
import { startProcess, type ManagedProcess } from '../src/system/processes.js';
import { run } from '../src/system/run.js';
import { startJack, startPipewire } from '../test/helpers/daemons.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.ARCHIBALD_BIN ?? path.join(repo, 'bin/archibald.js');
const seconds = Number(process.argv[2] ?? '20');
const quanta = (process.argv[3] ?? '16,32,64,256,1024').split(',').map(Number);
const loads = (process.argv[4] ?? 'none,rt').split(',');
const work = mkdtempSync(path.join(tmpdir(), 'archibald-bench-xruns-'));
const noise = path.join(work, 'noise.wav');

interface Timed {
  report: BenchXrunsReport;
  /** user+system of the whole CLI process (start-up included) over its wall time, % of one core. */
  processPercent: number;
}

/** Runs the CLI under /usr/bin/time so the whole process's CPU is known, not only what it says. */
async function timedCli(env: NodeJS.ProcessEnv, args: string[]): Promise<Timed> {
  const timeFile = path.join(work, 'time.txt');
  const result = await run(['/usr/bin/time', '-f', '%U %S %e', '-o', timeFile, process.execPath, bin, 'bench', 'xruns', '--duration', String(seconds), '--json', ...args], {
    timeoutMs: (seconds + 60) * 1000,
    env: { ...env, ARCHIBALD_STATE_DIR: path.join(work, 'state') },
  });
  if (!result.ok && result.exitCode !== 1) throw new Error(`bench xruns failed: ${result.message}\n${result.stderr}`);
  const [user, system, wall] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
  return { report: JSON.parse(result.stdout) as BenchXrunsReport, processPercent: ((user! + system!) / wall!) * 100 };
}

function stressRt(): ManagedProcess {
  return startProcess(['stress-ng', '--cpu', '2', '--cpu-load', '70', '--sched', 'fifo', '--sched-prio', '95', '--timeout', String(seconds + 30)]);
}

const rows: string[][] = [['backend', 'quantum', 'load', 'cycles', 'xruns', 'xrun %', 'max DSP', 'dropped', 'monitor CPU % (watch)', 'after 10 s', 'process CPU % (incl. start)']];
function row(backend: string, quantum: number, load: string, timed: Timed): void {
  const r = timed.report;
  rows.push([
    backend,
    String(quantum),
    load,
    String(r.cycles),
    String(r.xruns),
    r.xrunPercent === null ? 'n/a' : r.xrunPercent.toFixed(3),
    `${(r.maxDspLoad * 100).toFixed(0)} %`,
    String(r.droppedReports),
    r.monitorCpuPercent.toFixed(3),
    r.monitorCpu.steadySelfPercent === null ? 'n/a' : r.monitorCpu.steadySelfPercent.toFixed(3),
    timed.processPercent.toFixed(3),
  ]);
}

try {
  const made = await run(['sox', '-n', '-r', '48000', '-c', '2', '-b', '16', noise, 'synth', String(seconds + 60), 'whitenoise', 'vol', '0.05'], { timeoutMs: 60_000 });
  if (!made.ok) throw new Error(made.message);
  for (const quantum of quanta) {
    for (const load of loads) {
      const pw = await startPipewire({ quantum, minQuantum: 16 });
      const player = startProcess(['pw-play', `--latency=${quantum}`, '--target', pw.sinkName, noise], { env: pw.env });
      const stress = load === 'rt' ? stressRt() : null;
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        row('pipewire', quantum, load, await timedCli(pw.env, []));
      } finally {
        await stress?.stop();
        await player.stop();
        await pw.stop();
      }
    }
  }
  for (const period of quanta.filter((q) => q >= 32)) {
    const jack = await startJack({ period });
    try {
      row('jack', period, 'none', await timedCli(jack.env, ['--backend', 'jack']));
    } finally {
      await jack.stop();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((r) => r[column]!.length)));
console.log(`bench xruns: ${seconds} s per row, 48 kHz; CPU in % of one core`);
for (const r of rows) console.log(r.map((value, column) => value.padStart(widths[column]!)).join('  '));
