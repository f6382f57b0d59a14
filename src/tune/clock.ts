/**
 * Adapter: the running graph's clock, read once, forced step by step, and put back. PipeWire:
 * `clock.force-quantum` in the "settings" metadata (what `apply --live` sets), plus a temporarily
 * lowered `clock.min-quantum` when the ladder goes below the floor (PipeWire clamps to it). JACK:
 * jackd's period through jack_bufsize. `restoreArgvs()` is the same restore as plain argv lists,
 * for the blocking last-resort restore in an 'exit' handler.
 */
import { ArchibaldError } from '../errors.js';
import { parsePwMetadata } from '../pipewire/index.js';
import type { System } from '../system/index.js';

export interface ClockState {
  /** clock.force-quantum (0 = not forced), or jackd's period. */
  forceQuantum: number;
  minQuantum: number | null;
}

export interface ClockControl {
  read(): Promise<ClockState>;
  set(quantum: number): Promise<void>;
  /** Puts back what read() found and reads it back; true when the daemon reports it. */
  restore(): Promise<boolean>;
  restoreArgvs(): string[][];
}

const TIMEOUT_MS = 5000;

const noDaemon = (what: string, detail: string, suggestion: string): ArchibaldError =>
  new ArchibaldError('USAGE', `no ${what} to tune: ${detail}`, { suggestion });

export function pipewireClock(system: System, env: NodeJS.ProcessEnv): ClockControl {
  let original: ClockState | null = null;
  let loweredMin = false;
  const setting = (key: string, value: number): string[] => ['pw-metadata', '-n', 'settings', '0', key, String(value)];
  const apply = async (argv: string[]): Promise<void> => {
    const result = await system.run(argv, { timeoutMs: TIMEOUT_MS, env });
    if (!result.ok) throw new ArchibaldError('TOOL_FAILED', `${argv.join(' ')} failed: ${result.stderr.trim() || result.message}`);
  };
  const readSettings = async (): Promise<Record<string, string>> => {
    const result = await system.run(['pw-metadata', '-n', 'settings'], { timeoutMs: TIMEOUT_MS, env });
    if (!result.ok) {
      throw result.reason === 'not-found'
        ? noDaemon('PipeWire', 'pw-metadata is not installed', 'install PipeWire (pipewire-bin), or tune jackd with --backend jack')
        : noDaemon('PipeWire', `pw-metadata -n settings failed: ${result.stderr.trim().split('\n')[0] || result.message}`, 'is PipeWire running for this user? (systemctl --user status pipewire)');
    }
    const parsed = parsePwMetadata(result.stdout);
    if (!parsed.ok) throw new ArchibaldError('TOOL_FAILED', `pw-metadata -n settings: ${parsed.error}`);
    return parsed.value;
  };
  const restoreArgvs = (): string[][] => {
    if (original === null) return [];
    const argvs = [setting('clock.force-quantum', original.forceQuantum)];
    if (loweredMin && original.minQuantum !== null) argvs.push(setting('clock.min-quantum', original.minQuantum));
    return argvs;
  };
  return {
    async read() {
      const settings = await readSettings();
      const number = (key: string): number | null => {
        const value = Number(settings[key]);
        return Number.isInteger(value) && value >= 0 && settings[key] !== undefined ? value : null;
      };
      original = { forceQuantum: number('clock.force-quantum') ?? 0, minQuantum: number('clock.min-quantum') };
      return original;
    },
    async set(quantum) {
      if (original?.minQuantum != null && quantum < original.minQuantum && !loweredMin) {
        loweredMin = true;
        await apply(setting('clock.min-quantum', quantum));
      }
      await apply(setting('clock.force-quantum', quantum));
    },
    async restore() {
      if (original === null) return true;
      for (const argv of restoreArgvs()) await apply(argv);
      const back = await readSettings();
      const forced = Number(back['clock.force-quantum'] ?? 0);
      const minOk = !loweredMin || original.minQuantum === null || Number(back['clock.min-quantum']) === original.minQuantum;
      return forced === original.forceQuantum && minOk;
    },
    restoreArgvs,
  };
}

export function jackClock(system: System, env: NodeJS.ProcessEnv): ClockControl {
  let original: ClockState | null = null;
  const bufsize = async (args: string[]): Promise<string> => {
    const result = await system.run(['jack_bufsize', ...args], { timeoutMs: TIMEOUT_MS, env });
    if (!result.ok) {
      if (original === null) {
        throw result.reason === 'not-found'
          ? noDaemon('jackd', 'jack_bufsize is not installed', 'install the JACK example tools (jackd2)')
          : noDaemon('jackd', 'the JACK server is not running', 'start jackd (or tune PipeWire with --backend pipewire)');
      }
      throw new ArchibaldError('TOOL_FAILED', `jack_bufsize ${args.join(' ')} failed: ${result.stderr.trim().split('\n').pop() || result.message}`);
    }
    return result.stdout.trim();
  };
  const current = async (): Promise<number> => {
    const period = Number(await bufsize([]));
    if (!Number.isInteger(period) || period <= 0) throw new ArchibaldError('TOOL_FAILED', 'jack_bufsize printed no period');
    return period;
  };
  return {
    async read() {
      original = { forceQuantum: await current(), minQuantum: null };
      return original;
    },
    async set(quantum) {
      await bufsize([String(quantum)]);
    },
    async restore() {
      if (original === null) return true;
      await bufsize([String(original.forceQuantum)]);
      return (await current()) === original.forceQuantum;
    },
    restoreArgvs: () => (original === null ? [] : [['jack_bufsize', String(original.forceQuantum)]]),
  };
}
