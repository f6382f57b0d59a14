// Xrun forensics, the pure core: ranking suspects from built snapshots, the session's windows and
// counts, the document's schema and its rendering, and the /proc parsers the sampler relies on.
import assert from 'node:assert/strict';
import test from 'node:test';
import { attributeXrun, suspectLabel, type AttributionInput, type IrqSample, type Snapshot, type TaskSample, type XrunEvent } from '../../../src/bench/xruns/forensics/attribute.js';
import { forensicsSummarySchema, REMEDIES, type AudioThread } from '../../../src/bench/xruns/forensics/contract.js';
import { attributionLine, forensicsHtml, forensicsLines } from '../../../src/bench/xruns/forensics/render.js';
import { ForensicsSession, lastAtOrBefore } from '../../../src/bench/xruns/forensics/session.js';
import { parseDmaLatency, parseFrequencyKhz, parseSchedStat, parseTaskStat } from '../../../src/linux/index.js';

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const MS = 1e6;

const audio: AudioThread = { pid: 100, tid: 103, comm: 'data-loop.0', rtPriority: 88, policy: 'SCHED_FIFO' };

function task(overrides: Partial<TaskSample> & Pick<TaskSample, 'tid'>): TaskSample {
  return { pid: overrides.tid, comm: `task-${overrides.tid}`, policy: SCHED_FIFO, rtPriority: 50, cpu: 1, runNs: 0, startS: 1, ...overrides };
}

/** Two CPUs; the audio thread on CPU 1. IRQ 16 shared by the sound card and a NIC, plus LOC. */
function snapshot(atMs: number, tasks: TaskSample[], irq16 = [0, 0], loc = [0, 0], extra: Partial<Snapshot> = {}): Snapshot {
  const irqs: IrqSample[] = [
    { line: '16', devices: ['snd_hda_intel:card0', 'eth0'], perCpu: irq16 },
    { line: '17', devices: ['ahci'], perCpu: [0, 0] },
    { line: 'LOC', devices: ['Local timer interrupts'], perCpu: loc },
  ];
  const all = [task({ tid: audio.tid, pid: audio.pid, comm: audio.comm, rtPriority: 88, runNs: atMs * 0.1 * MS }), ...tasks];
  return { monoNs: atMs * MS, uptimeS: 1000 + atMs / 1000, timeMs: 1_700_000_000_000 + atMs, irqs, tasks: new Map(all.map((t) => [t.tid, t])), frequencyKhz: [2_000_000, 2_000_000], dmaLatencyUs: 2_000_000_000, idleExitLatencyUs: 1, ...extra };
}

const xrunAt = (atMs: number): XrunEvent => ({ atS: atMs / 1000, monoNs: atMs * MS, timeMs: 1_700_000_000_000 + atMs, lateNodes: ['archibald-null'], wakeLateUs: 800, periodNs: (32 / 48000) * 1e9 });

function input(before: Snapshot, after: Snapshot, history: Snapshot[] = [], xrunMs = (before.monoNs + after.monoNs) / 2 / MS): AttributionInput {
  return { xrun: xrunAt(xrunMs), before, after, history, audioTids: new Set([audio.tid, 101, 102]), audio };
}

test('a SCHED_FIFO task at or above the audio priority on its CPU is the first suspect, named by pid and command', () => {
  const before = snapshot(1000, [task({ tid: 500, pid: 499, comm: 'stress-ng-cpu', rtPriority: 90, runNs: 10 * MS })]);
  const after = snapshot(1200, [task({ tid: 500, pid: 499, comm: 'stress-ng-cpu', rtPriority: 90, runNs: 130 * MS })]);
  const result = attributeXrun(input(before, after));
  assert.equal(result.note, null);
  assert.deepEqual(result.audioCpus, [1]);
  const first = result.suspects[0]!;
  assert.equal(first.rank, 1);
  assert.equal(first.kind, 'rt-task');
  assert.equal(first.task?.pid, 499);
  assert.equal(first.task?.tid, 500);
  assert.equal(first.task?.runMs, 120);
  assert.equal(first.task?.share, 0.6);
  assert.match(first.summary, /stress-ng-cpu \(pid 499, thread 500\) ran 120 ms on CPU 1 at SCHED_FIFO 90, at or above the audio thread’s SCHED_FIFO 88/);
  assert.deepEqual(first.remedy, REMEDIES.rtTask);
  assert.equal(suspectLabel(first), 'stress-ng-cpu (pid 499)');
});

test('never suspected: normal tasks, the audio daemon and its clients, other CPUs, short visits, tasks first seen in the window', () => {
  const common = { rtPriority: 95 };
  const before = snapshot(1000, [
    task({ tid: 600, policy: SCHED_OTHER, rtPriority: 0, runNs: 0 }),
    task({ tid: 101, pid: 100, ...common, runNs: 0 }),
    task({ tid: 700, cpu: 0, ...common, runNs: 0 }),
    task({ tid: 800, ...common, runNs: 0 }),
  ]);
  const after = snapshot(1200, [
    task({ tid: 600, policy: SCHED_OTHER, rtPriority: 0, runNs: 190 * MS }),
    task({ tid: 101, pid: 100, ...common, runNs: 150 * MS }),
    task({ tid: 700, cpu: 0, ...common, runNs: 150 * MS }),
    task({ tid: 800, ...common, runNs: 0.2 * MS }),
    // Watched only since this window, but alive before it: no honest delta.
    task({ tid: 900, ...common, runNs: 150 * MS, startS: 10 }),
  ]);
  assert.deepEqual(attributeXrun(input(before, after)).suspects, []);
});

test('a task born inside the window counts from zero; one below the audio priority only when it hogs the CPU', () => {
  const before = snapshot(1000, [task({ tid: 820, rtPriority: 20, runNs: 0 }), task({ tid: 830, rtPriority: 20, runNs: 0 })]);
  const after = snapshot(1200, [
    task({ tid: 810, rtPriority: 99, runNs: 40 * MS, startS: 1001.05 }),
    task({ tid: 820, rtPriority: 20, runNs: 150 * MS }),
    task({ tid: 830, rtPriority: 20, runNs: 30 * MS }),
  ]);
  const suspects = attributeXrun(input(before, after)).suspects;
  assert.deepEqual(suspects.map((s) => s.task?.tid), [810, 820]);
  assert.match(suspects[1]!.summary, /below the audio thread’s 88, but hogging its CPU/);
  assert.ok(suspects[0]!.score > suspects[1]!.score, 'above-priority outranks a hog');
});

test('an IRQ storm on the line shared with the sound card points at irq-sharing; a timer storm at isolated CPUs', () => {
  // 2 s of history at 100/s on CPU 1, then 600 in 200 ms (3000/s).
  const history = [snapshot(0, [], [0, 0], [0, 0])];
  const before = snapshot(2000, [], [0, 200], [0, 500]);
  const after = snapshot(2200, [], [0, 800], [0, 1100]);
  const suspects = attributeXrun(input(before, after, history)).suspects;
  const irq = suspects.find((s) => s.irq?.line === '16');
  assert.ok(irq !== undefined, 'IRQ 16 named');
  assert.equal(irq.irq?.sharedWithAudio, true);
  assert.equal(irq.irq?.perSecond, 3000);
  assert.equal(irq.irq?.usualPerSecond, 100);
  assert.deepEqual(irq.remedy, REMEDIES.sharedIrq);
  assert.match(irq.summary, /IRQ 16 \(snd_hda_intel:card0, eth0\): 3000\/s on CPU 1 against a usual 100\/s, on a line shared with the audio device/);
  const loc = suspects.find((s) => s.irq?.line === 'LOC');
  assert.deepEqual(loc?.remedy, REMEDIES.timerTick);
  assert.equal(suspects.find((s) => s.irq?.line === '17'), undefined, 'a quiet line is not named');
  // The same counts without any history: no usual rate, no storm.
  assert.deepEqual(attributeXrun(input(before, after, [])).suspects.filter((s) => s.kind === 'irq-line'), []);
});

test('a clock change on the audio CPU is a suspect; an unheld cpu_dma_latency only where idle states are deep', () => {
  const before = snapshot(1000, []);
  const after = snapshot(1200, [], undefined, undefined, { frequencyKhz: [2_000_000, 800_000] });
  const frequency = attributeXrun(input(before, after)).suspects;
  assert.deepEqual(frequency.map((s) => s.kind), ['cpu-frequency'], 'no dma-latency suspect with a 1 µs deepest state');
  assert.deepEqual(frequency[0]!.frequency, { cpu: 1, fromKhz: 2_000_000, toKhz: 800_000 });
  const deep = { idleExitLatencyUs: 133 };
  const unheld = attributeXrun(input(snapshot(1000, [], undefined, undefined, deep), snapshot(1200, [], undefined, undefined, deep))).suspects;
  assert.deepEqual(unheld.map((s) => s.kind), ['dma-latency']);
  assert.deepEqual(unheld[0]!.remedy, REMEDIES.dmaLatency);
  const held = { idleExitLatencyUs: 133, dmaLatencyUs: 0 };
  assert.deepEqual(attributeXrun(input(snapshot(1000, [], undefined, undefined, held), snapshot(1200, [], undefined, undefined, held))).suspects, []);
});

test('without a sample on both sides the xrun is counted with the reason, not guessed', () => {
  const only = snapshot(1000, []);
  const result = attributeXrun({ ...input(only, only), after: null });
  assert.equal(result.suspects.length, 0);
  assert.match(result.note ?? '', /no sample on both sides/);
});

test('session: an xrun waits for the snapshot after it; xruns in one window share one attribution; counts cover all', () => {
  const commands: number[] = [];
  const session = new ForensicsSession(
    { audio: () => audio, audioTids: () => new Set([audio.tid]), command: (pid) => (commands.push(pid), `stress-ng --cpu 1 (${pid})`) },
    { sampleHz: 5, maxAttributions: 2 },
  );
  const hog = (atMs: number, runMs: number) => task({ tid: 500, pid: 499, comm: 'stress-ng-cpu', rtPriority: 90, runNs: runMs * MS });
  assert.deepEqual(session.addSnapshot(snapshot(1000, [hog(1000, 0)])), []);
  for (const at of [1050, 1100, 1150]) assert.equal(session.addXrun(xrunAt(at)), null, 'pending until the next snapshot');
  const made = session.addSnapshot(snapshot(1200, [hog(1200, 150)]));
  assert.equal(made.length, 3);
  assert.ok(made.every((a) => a.suspects[0]?.task?.command === 'stress-ng --cpu 1 (499)'));
  assert.deepEqual(commands, [499], 'the command line is read once per window, not per xrun');
  // An xrun already behind the newest snapshot is attributed at once.
  assert.equal(session.addXrun(xrunAt(1190))?.suspects[0]?.task?.pid, 499);
  // One after the last snapshot is attributed at the end, with the reason.
  session.addXrun(xrunAt(1300));
  const finished = session.finish();
  assert.equal(finished.length, 1);
  assert.match(finished[0]!.note ?? '', /no sample on both sides/);
  const summary = forensicsSummarySchema.parse(session.summary(0.123, null));
  assert.equal(summary.xruns, 5);
  assert.equal(summary.attributed, 4);
  assert.equal(summary.explained, 4);
  assert.equal(summary.attributions.length, 2);
  assert.equal(summary.truncated, true);
  assert.deepEqual(summary.firstSuspects.map((f) => [f.label, f.kind, f.xruns]), [['stress-ng-cpu (pid 499)', 'rt-task', 4]]);
  assert.equal(summary.cpuPercent, 0.123);
});

test('session: the ring keeps its history span, and windows are found by binary search', () => {
  const session = new ForensicsSession({ audio: () => audio, audioTids: () => new Set() }, { sampleHz: 5, historyS: 1 });
  for (let ms = 0; ms <= 5000; ms += 200) session.addSnapshot(snapshot(ms, []));
  assert.equal(session.summary(0).samples, 26);
  const ring = [0, 200, 400, 600].map((ms) => snapshot(ms, []));
  assert.deepEqual([-1, 0, 199, 200, 601, 5000].map((ms) => lastAtOrBefore(ring, ms * MS)), [-1, 0, 0, 1, 3, 3]);
});

test('render: one terminal line per xrun, the first-suspect table, escaped HTML', () => {
  const session = new ForensicsSession({ audio: () => audio, audioTids: () => new Set([audio.tid]) }, { sampleHz: 5 });
  session.addSnapshot(snapshot(1000, [task({ tid: 500, comm: '<evil>', rtPriority: 90, runNs: 0 })]));
  session.addXrun(xrunAt(1100));
  session.addSnapshot(snapshot(1200, [task({ tid: 500, comm: '<evil>', rtPriority: 90, runNs: 100 * MS })]));
  const summary = session.summary(0.2);
  assert.match(attributionLine(summary.attributions[0]!), /^1\.100 s late: archibald-null; #1 <evil> \(pid 500\) ran 100 ms on CPU 1 .*\[doctor isolated-cpus; archibald\.audio\.kernel\.isolatedCpus\]$/);
  const lines = forensicsLines(summary).join('\n');
  assert.match(lines, /1 of 1 xruns have a suspect/);
  assert.match(lines, /first in\s+100 %\s+<evil> \(pid 500\) → doctor isolated-cpus, archibald\.audio\.kernel\.isolatedCpus/);
  const html = forensicsHtml(summary, (text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
  assert.ok(!html.includes('<evil>') && html.includes('&lt;evil&gt;'));
  assert.match(forensicsLines(new ForensicsSession({ audio: () => null, audioTids: () => new Set() }, { sampleHz: 5 }).summary(0))[0]!, /no xrun to explain/);
});

test('parsers: stat with its thread count, schedstat, scaling_cur_freq, cpu_dma_latency', () => {
  const stat = '4242 (stress-ng (cpu)) R 1 4242 4242 0 -1 4194560 90 0 0 0 1200 30 0 0 -91 0 3 0 5551 2265088 1131 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 90 1 0 0 0 0 0 0 0 0 0 0 0';
  const parsedStat = parseTaskStat(stat);
  assert.ok(parsedStat.ok);
  assert.deepEqual([parsedStat.value.comm, parsedStat.value.threads, parsedStat.value.processor, parsedStat.value.rtPriority, parsedStat.value.policy, parsedStat.value.startTicks], ['stress-ng (cpu)', 3, 1, 90, 1, 5551]);
  assert.equal(parseTaskStat('4242 (x) R 1 2').ok, false);
  assert.deepEqual(parseSchedStat('123456789 2000 17\n'), { ok: true, value: { runNs: 123456789, waitNs: 2000, slices: 17 } });
  assert.equal(parseSchedStat('12 x 3').ok, false);
  assert.deepEqual(parseFrequencyKhz('2400000\n'), { ok: true, value: 2_400_000 });
  assert.equal(parseFrequencyKhz('<unknown>').ok, false);
  assert.deepEqual(parseDmaLatency(new Uint8Array([0x00, 0x94, 0x35, 0x77])), { ok: true, value: 2_000_000_000 });
  assert.deepEqual(parseDmaLatency(new Uint8Array([0, 0, 0, 0])), { ok: true, value: 0 });
  assert.equal(parseDmaLatency(new Uint8Array([1, 2])).ok, false);
});
