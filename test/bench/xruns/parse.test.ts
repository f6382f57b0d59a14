/**
 * Pure parts of bench xruns: the PipeWire protocol slice against bytes captured from a real
 * 0.3.65 daemon, POD decoding against random bytes, the xrun accounting on known sequences, the
 * JACK watcher's lines, /proc/<pid>/stat, settings and the report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { decodePod, PodBuilder } from '../../../src/pipewire/pod.js';
import {
  MessageFramer,
  PROFILER_INTERFACE,
  decodeProfile,
  decodeServerMessage,
  emptyProfilerPoint,
  encodeMessage,
  nextReadDelayMs,
  profilePoints,
  type Message,
  type ProfilerPoint,
} from '../../../src/pipewire/protocol.js';
import { XrunAccumulator, xrunPercent } from '../../../src/bench/xruns/analysis.js';
import { JackSession, framesBetween, parseJackLine } from '../../../src/bench/xruns/jack.js';
import { parseProcStatCpu } from '../../../src/linux/procstat.js';
import { parseSettings } from '../../../src/bench/xruns/settings.js';
import { buildReport, pageSpec, renderHuman, xrunsPerSecond } from '../../../src/bench/xruns/report.js';
import { ArchibaldError } from '../../../src/errors.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));

function messagesOf(bytes: Uint8Array): Message[] {
  const { messages, error } = new MessageFramer().push(bytes);
  assert.equal(error, null);
  return messages;
}

function pointsOf(bytes: Uint8Array): ProfilerPoint[] {
  const points: ProfilerPoint[] = [];
  for (const message of messagesOf(bytes)) {
    const event = decodeServerMessage(message);
    if (event.kind !== 'profile') continue;
    const decoded = profilePoints(event.payload);
    assert.ok(typeof decoded !== 'string', String(decoded));
    points.push(...decoded);
  }
  return points;
}

test('captured 0.3.65 stream: registry globals include the Profiler, points carry the graph settings', () => {
  const messages = messagesOf(fixture('pipewire-0.3.65-q32-playing.bin'));
  const globals = messages.map(decodeServerMessage).filter((e) => e.kind === 'global');
  assert.ok(globals.length > 10);
  assert.ok(globals.some((g) => g.kind === 'global' && g.type === PROFILER_INTERFACE && g.version === 3));
  assert.ok(globals.some((g) => g.kind === 'global' && g.type === 'PipeWire:Interface:Node'));
  assert.ok(messages.map(decodeServerMessage).every((e) => e.kind !== 'malformed'));

  const points = pointsOf(fixture('pipewire-0.3.65-q32-playing.bin'));
  assert.equal(points.length, 28);
  for (const [i, p] of points.entries()) {
    assert.equal(p.rate, 48000);
    assert.equal(p.duration, 32);
    assert.equal(p.driver.name, 'archibald-null');
    assert.equal(p.followers, 1, 'pw-play is the one follower');
    assert.equal(p.xrunCount, 0, '0.3.65 puts the driver xrun counter in the info block');
    assert.ok(p.driver.finishNs >= p.driver.signalNs);
    if (i > 0) {
      assert.equal(p.count, points[i - 1]!.count + 1, 'no report was dropped');
      assert.equal(p.position - points[i - 1]!.position, 32, 'the frame position advances by one quantum');
    }
  }
  const accumulator = new XrunAccumulator();
  for (const p of points) accumulator.add(p);
  const totals = accumulator.totals();
  assert.equal(totals.cycles, 28);
  assert.equal(totals.xruns, 0);
  assert.ok(totals.dspLoadMax > 0 && totals.dspLoadMax < 1);
});

test('captured stream under RT-priority stress: incomplete cycles are xruns, once per period', () => {
  const points = pointsOf(fixture('pipewire-0.3.65-q32-stressed.bin'));
  const accumulator = new XrunAccumulator();
  for (const p of points) accumulator.add(p);
  const totals = accumulator.totals();
  const incomplete = points.filter((p) => p.unfinished > 0);
  const distinctPeriods = new Set(incomplete.map((p) => p.clockNs)).size;
  assert.ok(incomplete.length > 0);
  assert.equal(totals.xruns, distinctPeriods);
  assert.equal(totals.incompleteCycles, distinctPeriods);
  assert.equal(totals.xrunTimesS.length, totals.xruns);
  assert.deepEqual(totals.lateNodes.map((n) => n.name), ['pw-play']);
  // Periods come from the frame position, so a period reported twice is counted once.
  const first = points[0]!;
  const last = points.at(-1)!;
  assert.equal(totals.cycles, 1 + (last.position - first.position) / 32);
  assert.ok(points.length > totals.cycles, 'some periods were reported twice (incomplete, then complete)');
});

test('property: the framer gives the same messages however the stream is chunked', () => {
  const stream = fixture('pipewire-0.3.65-q32-stressed.bin');
  const whole = messagesOf(stream).map((m) => `${m.id}/${m.opcode}/${m.seq}/${Buffer.from(m.payload).toString('base64')}`);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
      const framer = new MessageFramer();
      const seen: string[] = [];
      let at = 0;
      for (const cut of [...new Set(cuts)].sort((a, b) => a - b).concat(stream.length)) {
        // The socket reuses its read buffer: hand out a copy that is overwritten right after.
        const chunk = Buffer.from(stream.subarray(at, cut));
        const { messages, error } = framer.push(chunk);
        assert.equal(error, null);
        seen.push(...messages.map((m) => `${m.id}/${m.opcode}/${m.seq}/${Buffer.from(m.payload).toString('base64')}`));
        chunk.fill(0xee);
        at = cut;
      }
      assert.deepEqual(seen, whole);
    }),
    { numRuns: 60 },
  );
});

test('property: decoders return typed errors on random bytes, never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat({ max: 64 }), (bytes, offset) => {
      const pod = decodePod(bytes, offset);
      assert.ok(pod.ok || typeof pod.error === 'string');
      const profile = decodeProfile(bytes, () => undefined);
      assert.ok(profile.ok || typeof profile.error === 'string');
      const framed = new MessageFramer().push(bytes);
      for (const message of framed.messages) decodeServerMessage(message);
      for (const id of [0, 2, 3]) decodeServerMessage({ id, opcode: id === 3 ? 0 : 2, seq: 0, nFds: 0, payload: bytes });
    }),
    { numRuns: 400 },
  );
});

test('property: random corruption of a real profile event never throws', () => {
  const event = messagesOf(fixture('pipewire-0.3.65-q32-stressed.bin')).find((m) => m.id === 3)!;
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({ max: event.payload.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (edits) => {
      const bytes = Buffer.from(event.payload);
      for (const [at, value] of edits) bytes[at] = value;
      const result = decodeProfile(bytes, (p) => assert.ok(Number.isFinite(p.position)));
      assert.ok(result.ok || typeof result.error === 'string');
    }),
    { numRuns: 300 },
  );
});

test('property: PODs we build decode back to the same values', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string({ maxLength: 30 }).filter((s) => !s.includes('\0'))), { maxLength: 12 }), (values) => {
      const built = PodBuilder.struct(values.map((v) => (typeof v === 'number' ? PodBuilder.int(v) : PodBuilder.string(v))));
      const decoded = decodePod(built);
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.value, values);
      assert.equal(decoded.next, built.length);
    }),
  );
  const message = encodeMessage(2, 1, 7, PodBuilder.struct([PodBuilder.int(4)]));
  const [framed] = messagesOf(message);
  assert.deepEqual([framed!.id, framed!.opcode, framed!.seq], [2, 1, 7]);
});

/** Raw POD bytes for a newer (1.x-shaped) profile event, built by hand: header + body padded to 8. */
function pod(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(type, 4);
  return Buffer.concat([header, body, Buffer.alloc((8 - (body.length % 8)) % 8)]);
}
const int32 = (v: number) => pod(4, Buffer.from(new Int32Array([v]).buffer));
const long64 = (v: number) => pod(5, Buffer.from(new BigInt64Array([BigInt(v)]).buffer));
const float32 = (v: number) => pod(6, Buffer.from(new Float32Array([v]).buffer));
const double64 = (v: number) => pod(7, Buffer.from(new Float64Array([v]).buffer));
const bool = (v: boolean) => pod(2, Buffer.from(new Int32Array([v ? 1 : 0]).buffer));
const fraction = (num: number, denom: number) => pod(11, Buffer.from(new Uint32Array([num, denom]).buffer));
const string = (v: string) => PodBuilder.string(v);
const struct = (items: Buffer[]) => pod(14, Buffer.concat(items));
function profilerObject(props: Array<[number, Buffer]>): Buffer {
  const body: Buffer[] = [Buffer.from(new Uint32Array([0x4000a, 0]).buffer)];
  for (const [key, value] of props) body.push(Buffer.from(new Uint32Array([key, 0]).buffer), value);
  return pod(15, Buffer.concat(body));
}

test('PipeWire 1.x report shape: driver-block xrun counter, extra clock fields, async followers are not late', () => {
  const follower = (id: number, name: string, status: number, isAsync: boolean) =>
    struct([int32(id), string(name), long64(1), long64(2), long64(3), long64(4), int32(status), fraction(256, 48000), int32(0), bool(isAsync)]);
  const sample = (count: number, position: number, driverXruns: number, followers: Buffer[]) =>
    profilerObject([
      [0x10001, struct([long64(count), float32(0.1), float32(0.1), float32(0.1), int32(0)])],
      [0x10002, struct([int32(0), int32(30), string('clock.system.monotonic'), long64(1e9 + count * 5_333_333), fraction(1, 48000), long64(position), long64(256), long64(0), double64(1), long64(0), int32(2), int32(count), long64(0)])],
      [0x10003, struct([int32(30), string('alsa_output.usb'), long64(100), long64(200), long64(210), long64(300), int32(3), fraction(256, 48000), int32(driverXruns)])],
      ...followers.map((f): [number, Buffer] => [0x20001, f]),
    ]);
  const event = struct([
    struct([
      sample(10, 2560, 0, [follower(40, 'ardour', 3, false), follower(41, 'bluetooth', 1, true)]),
      sample(11, 2816, 0, [follower(40, 'ardour', 2, false), follower(41, 'bluetooth', 1, true)]),
      sample(12, 3072, 3, [follower(40, 'ardour', 3, false)]),
    ]),
  ]);
  const points = profilePoints(event);
  assert.ok(typeof points !== 'string', String(points));
  assert.deepEqual(points.map((p) => [p.followers, p.unfinished, p.xrunCount]), [[2, 0, 0], [2, 1, 0], [1, 0, 3]]);
  const acc = new XrunAccumulator();
  for (const p of points) acc.add(p);
  const totals = acc.totals();
  assert.equal(totals.cycles, 3);
  assert.equal(totals.xruns, 1 + 3, 'one late ardour period, then the driver counter moved by 3');
  assert.deepEqual(totals.lateNodes, [{ name: 'ardour', cycles: 1 }]);
});

function point(overrides: Partial<ProfilerPoint> & { status?: number } = {}): ProfilerPoint {
  const base = emptyProfilerPoint();
  return {
    ...base,
    count: 0,
    rate: 48000,
    duration: 64,
    position: 0,
    clockNs: 0,
    xrunCount: 0,
    followers: 1,
    ...overrides,
    driver: { ...base.driver, id: 7, name: 'alsa_output', signalNs: 1000, prevSignalNs: 0, finishNs: 1000 + 666_666, status: 3, ...overrides.driver },
  };
}

/** Periods of 64 frames at 48 kHz: 1.333 ms each. */
const periodNs = (64 / 48000) * 1e9;
const periodPoint = (i: number, extra: Partial<ProfilerPoint> = {}): ProfilerPoint =>
  point({ count: i, position: i * 64, clockNs: Math.round(i * periodNs), ...extra });

test('xrun accounting: counts periods, one xrun per incomplete period, the counter, gaps and drops', () => {
  const acc = new XrunAccumulator();
  for (let i = 0; i < 100; i++) acc.add(periodPoint(i));
  assert.equal(acc.totals().cycles, 100);
  assert.equal(acc.totals().xruns, 0);
  // Period 100 reported twice (incomplete, then complete, both unfinished): one xrun.
  acc.add(periodPoint(100, { unfinished: 1, unfinishedNames: ['synth'] }));
  acc.add(point({ count: 101, position: 100 * 64, clockNs: Math.round(100 * periodNs), unfinished: 1, unfinishedNames: ['synth'] }));
  assert.equal(acc.totals().cycles, 101);
  assert.equal(acc.totals().xruns, 1);
  assert.deepEqual(acc.totals().xrunTimesS, [Math.round(Math.round(100 * periodNs) / 1000) / 1e6], "seconds, to the microsecond");
  // The driver's own counter moving by 2 counts 2, even without unfinished nodes.
  acc.add(point({ count: 102, position: 101 * 64, clockNs: Math.round(101 * periodNs), xrunCount: 2 }));
  assert.equal(acc.totals().xruns, 3);
  // Reports 103..105 dropped by the module: cycles still counted from the position, drops reported.
  acc.add(point({ count: 106, position: 105 * 64, clockNs: Math.round(105 * periodNs), xrunCount: 2 }));
  assert.equal(acc.totals().cycles, 106);
  assert.equal(acc.totals().droppedReports, 3);
  // Suspended for 5 s, then resumed: the silence is not counted as cycles.
  acc.add(point({ count: 107, position: 105 * 64 + 240_000, clockNs: Math.round(105 * periodNs) + 5e9, xrunCount: 2 }));
  acc.add(point({ count: 108, position: 106 * 64 + 240_000, clockNs: Math.round(106 * periodNs) + 5e9, xrunCount: 2 }));
  const totals = acc.totals();
  assert.equal(totals.cycles, 107);
  assert.equal(totals.xruns, 3);
  assert.deepEqual(totals.lateNodes, [{ name: 'synth', cycles: 2 }]);
  assert.equal(totals.quantum, 64);
  assert.equal(totals.rate, 48000);
  assert.equal(xrunPercent(3, 107)?.toFixed(4), ((3 / 107) * 100).toFixed(4));
  assert.equal(xrunPercent(0, 0), null, 'no cycles is no claim');
});

test('xrun accounting: DSP load is busy/period of complete cycles; intervals reset', () => {
  const acc = new XrunAccumulator();
  acc.add(periodPoint(0, { driver: { ...point().driver, signalNs: 10_000, finishNs: 10_000 + periodNs / 4 } }));
  acc.add(periodPoint(1, { driver: { ...point().driver, signalNs: 20_000, finishNs: 20_000 + periodNs / 2 } }));
  const interval = acc.takeInterval();
  assert.equal(interval.cycles, 2);
  assert.ok(Math.abs(interval.dspLoadMean - 0.375) < 1e-9);
  assert.ok(Math.abs(interval.dspLoadMax - 0.5) < 1e-9);
  assert.equal(acc.takeInterval().cycles, 0);
});

test('property: cycles equal the frames advanced over the quantum, whatever is duplicated', () => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (duplicate) => {
      const acc = new XrunAccumulator();
      let count = 0;
      duplicate.forEach((dup, i) => {
        acc.add(periodPoint(i, { count: count++ }));
        if (dup) acc.add(periodPoint(i, { count: count++, unfinished: 1, unfinishedNames: ['x'] }));
      });
      const totals = acc.totals();
      assert.equal(totals.cycles, duplicate.length);
      assert.equal(totals.xruns, duplicate.filter(Boolean).length);
    }),
  );
});

test('JACK watcher lines: captured output parses; the session counts frames, xruns and load', () => {
  const text = fixture('jack-watcher-p32-stressed.txt').toString('utf8');
  const session = new JackSession();
  const lines = text.trim().split('\n');
  for (const line of lines) {
    const parsed = parseJackLine(line);
    assert.ok(parsed.ok, line);
    session.add(parsed.line);
  }
  const totals = session.totals();
  const first = Number(lines[0]!.split(' ')[1]);
  const last = Number(lines.at(-1)!.split(' ')[1]);
  assert.equal(totals.xruns, lines.filter((l) => l.startsWith('xrun')).length);
  assert.equal(totals.cycles, Math.floor((last - first) / 32));
  assert.equal(totals.rate, 48000);
  assert.equal(totals.quantum, 32);
  assert.ok(totals.dspLoadMax > 0 && totals.dspLoadMax < 0.01, 'jack_cpu_load is a percentage');
  assert.ok(totals.xrunTimesS.every((t, i) => i === 0 || t >= totals.xrunTimesS[i - 1]!));
});

test('JACK: frame clock wrap-around and malformed lines', () => {
  assert.equal(framesBetween(2 ** 32 - 10, 22), 32);
  const session = new JackSession();
  session.add({ kind: 'start', frameTime: 2 ** 32 - 64, rate: 48000, bufferSize: 32 });
  session.add({ kind: 'load', frameTime: 64, cpuLoadPercent: 5, rate: 48000, bufferSize: 32 });
  assert.equal(session.totals().cycles, 4);
  for (const bad of ['', 'xrun', 'xrun -1 2', 'start 1 0 32', 'load 1 x 48000 32', 'hello 1 2', 'start 1.5 48000 32']) {
    assert.equal(parseJackLine(bad).ok, false, bad);
  }
  fc.assert(fc.property(fc.string(), (text) => void parseJackLine(text)));
});

test('/proc/<pid>/stat: CPU ticks after the last ")", whatever the command name holds', () => {
  const stat = (comm: string) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1000 0 0 0 123 45 0 0 20 0 1 0 100 1000000 200 18446744073709551615`;
  assert.deepEqual(parseProcStatCpu(stat('python3')), { ok: true, ticks: 168 });
  assert.deepEqual(parseProcStatCpu(stat('a) (b c) d')), { ok: true, ticks: 168 });
  assert.equal(parseProcStatCpu('4242 python3 S').ok, false);
  assert.equal(parseProcStatCpu('1 (x) S 1 2').ok, false);
  fc.assert(fc.property(fc.string(), (text) => void parseProcStatCpu(text)));
});

test('read batching stays between 20 and 500 ms and aims at ~96 KB per read', () => {
  assert.equal(nextReadDelayMs(100, 96 * 1024, 100), 100);
  assert.equal(nextReadDelayMs(100, 140 * 1024, 70), 48, 'twice the data rate: read twice as often, at once');
  assert.equal(nextReadDelayMs(100, 8 * 1024, 100), 150, 'less data: grow slowly');
  assert.equal(nextReadDelayMs(200, 200 * 1024, 1000), 100, 'a nearly full read halves the pause whatever the average says');
  assert.equal(nextReadDelayMs(400, 0, 400), 500);
  fc.assert(
    fc.property(fc.integer({ min: 20, max: 500 }), fc.nat({ max: 1 << 20 }), fc.integer({ min: -5, max: 2000 }), (current, bytes, since) => {
      const next = nextReadDelayMs(current, bytes, since);
      assert.ok(next >= 20 && next <= 500);
    }),
  );
});

test('settings: defaults, and bad values are usage errors', () => {
  assert.deepEqual(parseSettings({}), { durationS: 60, backend: 'pipewire', targetPercent: 1, out: undefined, json: false, progress: undefined, forensics: true });
  assert.equal(parseSettings({ forensics: false }).forensics, false, '--no-forensics');
  assert.equal(parseSettings({ duration: '2.5', backend: 'jack', targetPercent: '0.5' }).durationS, 2.5);
  for (const bad of [{ duration: '0' }, { duration: 'abc' }, { duration: '' }, { backend: 'alsa' }, { targetPercent: '101' }, { progress: 'bar' }]) {
    assert.throws(() => parseSettings(bad), (error: unknown) => error instanceof ArchibaldError && error.exitCode === 2, JSON.stringify(bad));
  }
});

test('report: verdict against the target, no-data without cycles, per-second timeline', () => {
  const acc = new XrunAccumulator();
  for (let i = 0; i < 1000; i++) acc.add(periodPoint(i, i === 500 ? { unfinished: 1, unfinishedNames: ['synth'] } : {}));
  const base = { backend: 'pipewire' as const, startedAt: '2026-01-01T00:00:00.000Z', durationS: 1.5, requestedDurationS: 2, interrupted: true, timeline: [], cpu: { selfPercent: 0.2, helpersPercent: 0, helperPids: [] } };
  const pass = buildReport({ ...base, targetPercent: 1, totals: acc.totals() });
  assert.equal(pass.xrunPercent, 0.1);
  assert.equal(pass.verdict, 'pass');
  assert.equal(pass.interrupted, true);
  assert.equal(buildReport({ ...base, targetPercent: 0.1, totals: acc.totals() }).verdict, 'fail', 'exactly at the target is not below it');
  const empty = buildReport({ ...base, targetPercent: 1, totals: new XrunAccumulator().totals() });
  assert.equal(empty.verdict, 'no-data');
  assert.equal(empty.xrunPercent, null);
  const timeline = Array.from({ length: 30 }, (_, i) => ({ tS: i + 1, dspLoad: 0.1, dspLoadMax: 0.2, xruns: 0, cycles: 750, cpuPercent: i < 10 ? 5 : 0.25 }));
  const long = buildReport({ ...base, durationS: 30, timeline, targetPercent: 1, totals: acc.totals() });
  assert.equal(long.monitorCpu.steadySelfPercent, 0.25, 'the first 10 s (start-up) are left out of the steady figure');
  assert.equal(long.meanDspLoad, 0.1);
  assert.equal(pass.monitorCpu.steadySelfPercent, null);
  assert.deepEqual(xrunsPerSecond([0.2, 0.9, 2.5, 9], 3), { x: [0, 1, 2], counts: [2, 0, 2] });
  const page = pageSpec(pass, (s) => s.replace(/</g, '&lt;'));
  assert.equal(page.sections[1]!.charts!.length, 3);
  const plain = { green: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, bold: (s: string) => s };
  assert.match(renderHuman(pass, plain), /xrun rate +0\.100 % +target < 1 % +PASS/);
  assert.match(renderHuman(empty, plain), /NO DATA/);
});
