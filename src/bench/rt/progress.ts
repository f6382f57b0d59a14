/**
 * Progress while cyclictest runs, on stderr only: a bar with elapsed time and the running maximum
 * for a person at a terminal, or (`--progress ndjson`) one JSON line per second for the console.
 */
import cliProgress from 'cli-progress';
import { wantProgress } from '../../output.js';

export interface ProgressSink {
  tick(state: { elapsedS: number; maxUs: number | null }): void;
  /** How often tick() wants to be called. */
  readonly everyMs: number;
  done(): void;
}

export function progressLine(state: { elapsedS: number; maxUs: number | null }, durationS: number): string {
  return JSON.stringify({ elapsedS: Math.round(state.elapsedS * 10) / 10, durationS, maxUs: state.maxUs });
}

export function progressSink(mode: 'ndjson' | undefined, durationS: number, targetMaxUs: number): ProgressSink | null {
  if (mode === 'ndjson') {
    return {
      everyMs: 1000,
      tick: (state) => process.stderr.write(`${progressLine(state, durationS)}\n`),
      done: () => undefined,
    };
  }
  if (!wantProgress()) return null;
  const bar = new cliProgress.SingleBar(
    {
      format: 'cyclictest [{bar}] {elapsed}/{durationS} s | max {maxUs} µs (target {targetMaxUs})',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(durationS, 0, { elapsed: '0', durationS, maxUs: '-', targetMaxUs });
  return {
    everyMs: 250,
    tick: (state) =>
      bar.update(Math.min(durationS, state.elapsedS), {
        elapsed: Math.floor(state.elapsedS),
        durationS,
        maxUs: state.maxUs === null ? '-' : String(state.maxUs),
        targetMaxUs,
      }),
    done: () => bar.stop(),
  };
}
