import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveHub, SampleHistory, type GraphSample, type LiveEvent, type StartMonitor } from '../../src/console/live.js';

function sample(timeMs: number): GraphSample {
  return { timeMs, rate: 48000, quantum: 256, dspLoad: 0.25, xrunsTotal: 0, driver: 'Dummy-Driver' };
}

test('SampleHistory keeps only the samples within its window of the newest', () => {
  const history = new SampleHistory(1000);
  for (const t of [0, 400, 900, 1500, 2100]) history.push(sample(t));
  assert.deepEqual(history.list().map((s) => s.timeMs), [1500, 2100]);
});

test('a page that leaves and comes back gets the history sent before new samples', async () => {
  // Each monitor yields the next three timestamps and then waits until it is stopped.
  let next = 1000;
  let monitorsStarted = 0;
  const start: StartMonitor = async () => {
    monitorsStarted += 1;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    async function* samples(): AsyncGenerator<GraphSample> {
      for (let i = 0; i < 3; i += 1) yield sample((next += 500));
      await stopped;
    }
    return { samples: samples(), stop: async () => stop() };
  };
  const hub = new LiveHub(async () => start, {}, 10);
  try {
    const first: LiveEvent[] = [];
    const leave = hub.subscribe('pipewire', (event) => first.push(event));
    while (first.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    leave(); // the Live page is left: the last listener goes, the monitor stops

    const second: LiveEvent[] = [];
    const leaveAgain = hub.subscribe('pipewire', (event) => second.push(event));
    while (second.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    leaveAgain();

    const times = (events: LiveEvent[]): number[] => events.flatMap((e) => (e.type === 'sample' ? [e.sample.timeMs] : []));
    assert.deepEqual(times(first), [1500, 2000, 2500]);
    assert.deepEqual(times(second), [1500, 2000, 2500, 3000, 3500, 4000], 'history first, then the new monitor');
    assert.equal(monitorsStarted, 2);
  } finally {
    await hub.stopAll();
  }
});
