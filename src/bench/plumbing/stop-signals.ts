/**
 * Ctrl-C while a measurement runs. The first stop signal asks the command to stop early and still
 * report what it measured; a second one means "now" (onAgain). While these listeners are held,
 * System's own handler (stop every child, exit 130) leaves the process alone, so the command's
 * `finally` still runs; dispose() hands the signals back.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopRequests {
  /** How many stop signals have arrived. */
  readonly count: number;
  /** Resolves at the first stop signal. */
  readonly requested: Promise<'interrupted'>;
  dispose(): void;
}

export function listenForStop(handlers: { onFirst?(): void; onAgain?(): void } = {}, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): StopRequests {
  let count = 0;
  let resolve!: (value: 'interrupted') => void;
  const requested = new Promise<'interrupted'>((r) => (resolve = r));
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      resolve('interrupted');
      handlers.onFirst?.();
    } else handlers.onAgain?.();
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    get count() {
      return count;
    },
    requested,
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
