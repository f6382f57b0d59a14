/**
 * Measures what the model calls "PipeWire graph quantum (output side)": a real PipeWire daemon
 * (private runtime dir, null sink, WirePlumber), forced to each quantum, and the software loop
 * of `archibald bench rtl --backend pipewire --self-loop` (player -> null sink -> its monitor).
 * A sink consumes what the graph produced in the previous cycle, so the loop should cost exactly
 * one quantum; that is the model's output-side stage, and why an in-graph JACK client adds none.
 *   node --import tsx bench/latency-graph.ts [quanta=16,32,64,256,1024]   (needs a build)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/system/run.js';
import { latencyBudget } from '../src/latency/model.js';
import { startPipewire } from '../test/helpers/daemons.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quanta = (process.argv[2] ?? '16,32,64,256,1024').split(',').map(Number);
const rate = 48000;

process.stdout.write('quantum  measured frames  measured ms  model output-side frames  difference\n');
for (const quantum of quanta) {
  const pw = await startPipewire({ rate, quantum, minQuantum: 16, maxQuantum: 8192 });
  try {
    await run(['pw-metadata', '-n', 'settings', '0', 'clock.force-quantum', String(quantum)], { timeoutMs: 3000, env: pw.env });
    const result = await run([process.execPath, path.join(repo, 'bin/archibald.js'), 'bench', 'rtl', '--backend', 'pipewire', '--self-loop', '--playback', pw.sinkName, '--json'], {
      timeoutMs: 120_000,
      env: pw.env,
      cwd: repo,
    });
    if (!result.ok) {
      process.stdout.write(`${String(quantum).padStart(7)}  failed: ${result.stderr.trim().split('\n').pop() ?? result.message}\n`);
      continue;
    }
    const measured = JSON.parse(result.stdout) as { latencyFrames: number; latencyMs: number };
    const model = latencyBudget({ rate, quantum, periods: 2, device: 'pci', engine: 'pipewire', usbSpeed: 'high', usbLowlatency: true, jackBridge: true, pluginFrames: 0 });
    const outputSide = model.stages.find((stage) => stage.id === 'output.quantum')?.frames ?? Number.NaN;
    process.stdout.write(
      `${String(quantum).padStart(7)}  ${measured.latencyFrames.toFixed(4).padStart(15)}  ${measured.latencyMs.toFixed(4).padStart(11)}  ${String(outputSide).padStart(24)}  ${(measured.latencyFrames - outputSide).toFixed(4).padStart(10)}\n`,
    );
  } finally {
    await pw.stop();
  }
}
