/**
 * The real loops, through the CLI (needs a build, jackd2, python3, PipeWire and WirePlumber):
 *   node --import tsx bench/rtl-loops.ts [repeats=3]
 * JACK dummy backend at periods 32, 64, 128, 256: our client's output fed to its own input,
 * archibald and jack_iodelay on the same loop in the same run. PipeWire null sink at quantum 32
 * and 1024: the sink's monitor against the player's own output port, beside what the latency
 * model (`archibald latency`) predicts for the graph alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJack, startPipewire } from '../test/helpers/daemons.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.ARCHIBALD_BIN ?? path.join(repo, 'bin/archibald.js');
const repeats = Number(process.argv[2] ?? 3);
const stateDir = mkdtempSync(path.join(tmpdir(), 'archibald-bench-rtl-'));

interface Doc {
  latencyFrames: number | null;
  confidence: number;
  compare: { latencyFrames: number | null; differenceFrames: number | null } | null;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Doc {
  const result = spawnSync(process.execPath, [bin, ...args, '--json'], { encoding: 'utf8', env: { ...env, ARCHIBALD_STATE_DIR: stateDir }, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Doc;
}

const fmt = (values: Array<number | null>): string => [...new Set(values.map((v) => (v === null ? '-' : v.toFixed(3))))].join(' / ');

try {
  console.log(`JACK dummy backend, 48 kHz, client output -> own input, ${repeats} runs each`);
  console.log(`${'period'.padStart(7)}${'archibald (frames)'.padStart(22)}${'jack_iodelay (frames)'.padStart(24)}${'max |difference|'.padStart(18)}`);
  for (const period of [32, 64, 128, 256]) {
    const jack = await startJack({ period, rate: 48_000 });
    try {
      const docs = Array.from({ length: repeats }, () => cli(['bench', 'rtl', '--backend', 'jack', '--self-loop', '--compare', '--duration', '0.5'], jack.env));
      const diff = Math.max(...docs.map((d) => Math.abs(d.compare?.differenceFrames ?? NaN)));
      console.log(`${String(period).padStart(7)}${fmt(docs.map((d) => d.latencyFrames)).padStart(22)}${fmt(docs.map((d) => d.compare?.latencyFrames ?? null)).padStart(24)}${diff.toFixed(3).padStart(18)}`);
    } finally {
      await jack.stop();
    }
  }

  console.log(`\nPipeWire null sink, 48 kHz: sink monitor vs the player's output port, ${repeats} runs each`);
  console.log(`${'quantum'.padStart(8)}${'measured (frames)'.padStart(20)}${'ms'.padStart(10)}${'model: graph quanta in+out'.padStart(28)}${'model: total (USB device)'.padStart(27)}`);
  for (const quantum of [32, 1024]) {
    const pw = await startPipewire({ quantum, minQuantum: 16, maxQuantum: 8192 });
    try {
      const docs = Array.from({ length: repeats }, () => cli(['bench', 'rtl', '--backend', 'pipewire', '--self-loop', '--playback', pw.sinkName, '--duration', '0.5'], pw.env));
      const model = spawnSync(process.execPath, [bin, 'latency', '--quantum', String(quantum), '--rate', '48000', '--json'], { encoding: 'utf8' });
      let graph = '-';
      let total = '-';
      if (model.status === 0) {
        const budget = JSON.parse(model.stdout) as { stages: Array<{ id: string; frames: number }>; totalFrames: number };
        graph = String(budget.stages.filter((s) => s.id.endsWith('.quantum')).reduce((sum, s) => sum + s.frames, 0));
        total = String(budget.totalFrames);
      }
      const first = docs[0]?.latencyFrames ?? null;
      console.log(`${String(quantum).padStart(8)}${fmt(docs.map((d) => d.latencyFrames)).padStart(20)}${(first === null ? '-' : ((first / 48_000) * 1000).toFixed(3)).padStart(10)}${graph.padStart(28)}${total.padStart(27)}`);
    } finally {
      await pw.stop();
    }
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
