/** What `bench rt` shows while cyclictest runs: elapsed time and the running maximum (bar or ndjson, see plumbing/progress.ts). */
import { startProgress, tenths, type ProgressMode, type ProgressOutput } from '../plumbing/index.js';

export interface RtProgressState {
  elapsedS: number;
  maxUs: number | null;
}

export function startRtProgress(mode: ProgressMode, durationS: number, targetMaxUs: number): Promise<ProgressOutput<RtProgressState> | null> {
  return startProgress<RtProgressState>(mode, {
    barFormat: 'cyclictest [{bar}] {elapsed}/{durationS} s | max {maxUs} µs (target {targetMaxUs})',
    firstBar: { total: durationS, value: 0, fields: { elapsed: '0', durationS, maxUs: '-', targetMaxUs } },
    bar: (state) => ({
      total: durationS,
      value: Math.min(durationS, state.elapsedS),
      fields: { elapsed: Math.floor(state.elapsedS), durationS, maxUs: state.maxUs === null ? '-' : String(state.maxUs), targetMaxUs },
    }),
    record: (state) => ({ elapsedS: tenths(state.elapsedS), durationS, maxUs: state.maxUs }),
  });
}
