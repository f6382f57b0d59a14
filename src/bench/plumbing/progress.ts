/**
 * Progress on stderr while a long command runs (stdout stays for the result): `--progress ndjson`
 * gives one record a tick for the console (progress-record.ts), a person at a terminal gets a bar,
 * anyone else nothing. cli-progress loads only when a bar is drawn.
 */
import type { SingleBar } from 'cli-progress';
import { wantProgress } from '../../output.js';
import type { ProgressRecord } from './progress-record.js';

export type ProgressMode = 'ndjson' | undefined;

/** What the bar shows for one state: its length, its position and the fields its format names. */
export interface BarFrame {
  total: number;
  value: number;
  fields: Record<string, string | number>;
  /** A new segment (tune's next step) starts a fresh bar. */
  segment?: number;
}

export interface ProgressSpec<State> {
  /** cli-progress format string: `{bar}` plus the names in each frame's fields. */
  barFormat: string;
  bar(state: State): BarFrame;
  /** The bar drawn at once, before the first state arrives; without it the bar waits for one. */
  firstBar?: BarFrame;
  record(state: State): ProgressRecord;
}

export interface ProgressOutput<State> {
  /** How often the command should report its state (a record a second; a bar redraws faster). */
  readonly everyMs: number;
  update(state: State): void;
  /** A line of its own between bar segments (tune's finished steps); the terminal only. */
  note(line: string): void;
  done(): void;
}

export async function startProgress<State>(mode: ProgressMode, spec: ProgressSpec<State>): Promise<ProgressOutput<State> | null> {
  if (mode === 'ndjson') {
    return {
      everyMs: 1000,
      update: (state) => void process.stderr.write(`${JSON.stringify(spec.record(state))}\n`),
      note: () => undefined,
      done: () => undefined,
    };
  }
  if (!wantProgress()) return null;
  const { default: cliProgress } = await import('cli-progress');
  let bar: SingleBar | null = null;
  let segment: number | undefined;
  const open = (frame: BarFrame): SingleBar => {
    const opened = new cliProgress.SingleBar(
      { format: spec.barFormat, hideCursor: true, clearOnComplete: true, stream: process.stderr, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    opened.start(frame.total, frame.value, frame.fields);
    segment = frame.segment;
    return opened;
  };
  if (spec.firstBar !== undefined) bar = open(spec.firstBar);
  return {
    everyMs: 250,
    update: (state) => {
      const frame = spec.bar(state);
      if (bar === null || frame.segment !== segment) {
        bar?.stop();
        bar = open({ ...frame, value: 0 });
      }
      bar.update(frame.value, frame.fields);
    },
    note: (line) => {
      bar?.stop();
      bar = null;
      process.stderr.write(`${line}\n`);
    },
    done: () => bar?.stop(),
  };
}
