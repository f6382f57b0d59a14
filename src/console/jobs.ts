/**
 * One job at a time: a benchmark (minutes, with progress) or an apply (seconds). A second request
 * while one runs gets "busy" (HTTP 409) instead of two cyclictest runs fighting over two cores.
 */
import type { ManagedProcess } from '../system/index.js';
import type { CliRunner } from './cli-runner.js';
import { parseProgressLine, type ProgressRecord } from '../bench/contract.js';
import { lastMessage, parseJsonDocument } from './progress.js';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobSnapshot {
  id: number;
  kind: string;
  /** The CLI command it runs, for people: "archibald bench rt --duration 10 ...". */
  command: string;
  state: JobState;
  startedAt: string;
  finishedAt: string | null;
  progress: ProgressRecord | null;
  exitCode: number | null;
  /** The command's --json document, when it printed one (also on exit 1: "ran, target failed"). */
  result: Record<string, unknown> | null;
  message: string;
  /** What the command printed for people (stdout unless it was the JSON result, then stderr), bounded. */
  output: string;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

interface RunningJob {
  snapshot: JobSnapshot;
  child: ManagedProcess | null;
  cancelled: boolean;
}

type Listener = (snapshot: JobSnapshot) => void;

export class JobRunner {
  private current: RunningJob | null = null;
  private last: JobSnapshot | null = null;
  private nextId = 1;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly cli: CliRunner) {}

  get busy(): boolean {
    return this.current !== null;
  }

  /** The running job, else the last finished one. */
  snapshot(): JobSnapshot | null {
    return this.current?.snapshot ?? this.last;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(snapshot: JobSnapshot): void {
    for (const listener of this.listeners) listener({ ...snapshot });
  }

  private begin(kind: string, args: readonly string[]): RunningJob {
    const snapshot: JobSnapshot = {
      id: this.nextId++,
      kind,
      command: ['archibald', ...args].join(' '),
      state: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: null,
      exitCode: null,
      result: null,
      message: '',
      output: '',
    };
    const job: RunningJob = { snapshot, child: null, cancelled: false };
    this.current = job;
    this.emit(snapshot);
    return job;
  }

  private finish(snapshot: JobSnapshot, outcome: { exitCode: number | null; stdout: string; stderr: string; cancelled: boolean; failure?: string }): JobSnapshot {
    const parsed = parseJsonDocument(outcome.stdout);
    snapshot.exitCode = outcome.exitCode;
    snapshot.finishedAt = new Date().toISOString();
    snapshot.result = parsed.ok ? parsed.document : null;
    const stderrText = outcome.stderr
      .split('\n')
      .filter((line) => parseProgressLine(line) === null)
      .join('\n');
    snapshot.output = `${parsed.ok ? '' : outcome.stdout}${stderrText}`.trim().slice(-MAX_OUTPUT_CHARS);
    // Exit 0 = ran and passed, 1 = ran and missed its target: both are results worth showing.
    const ran = (outcome.exitCode === 0 || outcome.exitCode === 1) && parsed.ok;
    snapshot.state = outcome.cancelled ? 'cancelled' : ran ? 'done' : 'failed';
    snapshot.message = outcome.cancelled
      ? 'stopped from the console'
      : ran
        ? outcome.exitCode === 0
          ? 'finished'
          : 'finished: the target was missed'
        : outcome.failure ?? (lastMessage(outcome.stderr) || (parsed.ok ? `exited with code ${String(outcome.exitCode)}` : parsed.reason));
    this.current = null;
    this.last = snapshot;
    this.emit(snapshot);
    return snapshot;
  }

  /** Starts a long CLI job that reports `--progress ndjson` on stderr; null when busy. */
  start(kind: string, args: readonly string[]): JobSnapshot | null {
    if (this.current !== null) return null;
    const job = this.begin(kind, args);
    const snapshot = job.snapshot;
    const child = this.cli.start(args);
    job.child = child;
    child.onLine('stderr', (line) => {
      const progress = parseProgressLine(line);
      if (progress === null) return;
      snapshot.progress = progress;
      this.emit(snapshot);
    });
    void child.exited.then(({ code }) => {
      const { stdout, stderr } = child.output();
      this.finish(snapshot, { exitCode: code, stdout, stderr, cancelled: job.cancelled });
    });
    return { ...snapshot };
  }

  /** Runs a short CLI command under the same lock; 'busy' when a job is running. */
  async runExclusive(kind: string, args: readonly string[], timeoutMs: number): Promise<JobSnapshot | 'busy'> {
    if (this.current !== null) return 'busy';
    const { snapshot } = this.begin(kind, args);
    const result = await this.cli.run(args, timeoutMs);
    const failure = !result.ok && result.exitCode === null ? { failure: result.message } : {};
    return { ...this.finish(snapshot, { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, cancelled: false, ...failure }) };
  }

  /** Stops the running job's process group; false when nothing runs or it cannot be stopped. */
  async cancel(): Promise<boolean> {
    const current = this.current;
    if (current === null || current.child === null) return false;
    current.cancelled = true;
    // SIGINT first: the benches stop cleanly and still print what they measured.
    await current.child.stop('SIGINT', 3000);
    return true;
  }

  async stopAll(): Promise<void> {
    await this.cancel();
  }
}
