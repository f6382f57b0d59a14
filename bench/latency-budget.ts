/**
 * The modelled round trip of every shipped profile, on USB (high and full speed) and PCI, under
 * PipeWire and (for comparison) jackd, next to the naive "2 x quantum" figure:
 *   node --import tsx bench/latency-budget.ts
 * Pure arithmetic (src/latency/model.ts); no audio hardware needed. Also times one evaluation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyBudget, type LatencyInput } from '../src/latency/model.js';
import { profileSchema } from '../src/profile/schema.js';

const profilesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../profiles');
const names = readdirSync(profilesDir).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json') && name !== 'default.json');

const rows: string[][] = [['profile', 'rate', 'quantum', 'periods', 'device', 'engine', '2 x quantum ms', 'model frames', 'model ms', 'reported frames']];
for (const name of names.sort()) {
  const profile = profileSchema.parse(JSON.parse(readFileSync(path.join(profilesDir, name), 'utf8')));
  for (const [device, usbSpeed] of [['usb', 'high'], ['usb', 'full'], ['pci', 'high']] as const) {
    for (const engine of ['pipewire', 'jackd'] as const) {
      const input: LatencyInput = {
        rate: profile.pipewire.rate,
        quantum: profile.pipewire.quantum,
        periods: profile.device.periods,
        device,
        engine,
        usbSpeed,
        usbLowlatency: profile.usbAudio.lowlatency,
        jackBridge: profile.pipewire.jackBridge,
        pluginFrames: 0,
      };
      const budget = latencyBudget(input);
      rows.push([
        profile.name,
        String(input.rate),
        String(input.quantum),
        String(input.periods),
        device === 'usb' ? `usb-${usbSpeed}` : 'pci',
        engine,
        ((2 * input.quantum * 1000) / input.rate).toFixed(3),
        String(budget.totalFrames),
        budget.totalMs.toFixed(3),
        String(budget.reportedFrames),
      ]);
    }
  }
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padStart(widths[column]!)).join('  ')}\n`);

const sample: LatencyInput = { rate: 48000, quantum: 32, periods: 2, device: 'usb', engine: 'pipewire', usbSpeed: 'high', usbLowlatency: true, jackBridge: true, pluginFrames: 0 };
const runs = 100_000;
const started = process.hrtime.bigint();
for (let i = 0; i < runs; i++) latencyBudget(sample);
const perRunUs = Number(process.hrtime.bigint() - started) / 1000 / runs;
process.stdout.write(`\none model evaluation: ${perRunUs.toFixed(2)} µs (${runs} runs)\n`);
