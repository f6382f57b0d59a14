import type { Command } from 'commander';
import { registerBenchRt } from './rt/cli.js';
import { registerBenchRtl } from './rtl/cli.js';
import { registerBenchXruns } from './xruns/cli.js';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('measure scheduling latency, round-trip latency and xruns');
  registerBenchRt(bench);
  registerBenchRtl(bench);
  registerBenchXruns(bench);
}
