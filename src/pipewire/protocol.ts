/**
 * The slice of PipeWire's native protocol (version 3 framing) a read-only profiler client needs:
 * hello, get_registry, bind to the Profiler global, answer pings, and decode Profiler.profile
 * events into one record per driver cycle. Pure: bytes in, typed records or errors out.
 *
 * Why a protocol client rather than a helper tool: on 0.3.65 `pw-top` has no batch mode and
 * `pw-profiler` writes ~600 text columns per cycle without the xrun counters; reading the
 * profiler's binary events directly costs no extra process and carries the driver's own
 * xrun_count, the same number `pw-top` shows as ERR.
 */
import { decodePod, PodBuilder, type PodValue } from './pod.js';

export const HEADER_BYTES = 16;
/** PipeWire itself refuses messages this large; anything bigger is a framing error. */
const MAX_MESSAGE_BYTES = 16 << 20;

export interface Message {
  id: number;
  opcode: number;
  seq: number;
  nFds: number;
  payload: Uint8Array;
}

/** Splits a byte stream into messages; keeps the partial tail for the next chunk. */
export class MessageFramer {
  private pending: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): { messages: Message[]; error: string | null } {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Message[] = [];
    let at = 0;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    while (data.length - at >= HEADER_BYTES) {
      const word = view.getUint32(at + 4, true);
      const size = word & 0xffffff;
      if (size > MAX_MESSAGE_BYTES) {
        this.pending = new Uint8Array(0);
        return { messages, error: `message of ${size} bytes is too large` };
      }
      if (data.length - at < HEADER_BYTES + size) break;
      messages.push({
        id: view.getUint32(at, true),
        opcode: word >>> 24,
        seq: view.getUint32(at + 8, true),
        nFds: view.getUint32(at + 12, true),
        payload: data.subarray(at + HEADER_BYTES, at + HEADER_BYTES + size),
      });
      at += HEADER_BYTES + size;
    }
    // Copy the tail so the (possibly large) chunk it came from can be collected.
    this.pending = at === data.length ? new Uint8Array(0) : Uint8Array.from(data.subarray(at));
    return { messages, error: null };
  }
}

/**
 * How long to leave the socket unread before the next batch. The profiler streams ~0.6 KB per
 * cycle (about 0.9 MB/s at quantum 32, 1.8 MB/s at 16) and every wake-up costs more than decoding,
 * so reads are batched. What the daemon can queue for us is bounded by the socket (a single read
 * after a long pause returned at most ~200 KB here); once that is full the daemon's throughput
 * drops to what we read. So aim for ~96 KB per read (about 100 ms at quantum 32), between 20 and
 * 500 ms, and halve the pause at once when a read comes back nearly full.
 */
export const READ_TARGET_BYTES = 96 * 1024;
const READ_NEARLY_FULL_BYTES = 160 * 1024;

export function nextReadDelayMs(currentMs: number, bytesRead: number, sinceLastReadMs: number): number {
  const clamp = (ms: number): number => Math.round(Math.min(500, Math.max(20, ms)));
  if (bytesRead >= READ_NEARLY_FULL_BYTES) return clamp(currentMs / 2);
  if (sinceLastReadMs <= 0 || bytesRead <= 0) return clamp(currentMs * 1.5);
  const ideal = READ_TARGET_BYTES / (bytesRead / sinceLastReadMs);
  // Grow slowly (a burst may follow), shrink at once.
  return clamp(ideal < currentMs ? ideal : Math.min(ideal, currentMs * 1.5));
}

export function encodeMessage(id: number, opcode: number, seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(id, 0);
  header.writeUInt32LE(((opcode & 0xff) << 24) | (payload.length & 0xffffff), 4);
  header.writeUInt32LE(seq, 8);
  header.writeUInt32LE(0, 12);
  return Buffer.concat([header, payload]);
}

/** Object ids this client allocates: 0 and 1 are fixed by the protocol. */
export const CORE_ID = 0;
export const CLIENT_ID = 1;
export const REGISTRY_ID = 2;
export const PROFILER_ID = 3;

const CORE_HELLO = 1;
const CORE_PONG = 3;
const CORE_GET_REGISTRY = 5;
const CLIENT_UPDATE_PROPERTIES = 2;
const REGISTRY_BIND = 1;
const CORE_EVENT_PING = 2;
const CORE_EVENT_ERROR = 3;
const REGISTRY_EVENT_GLOBAL = 0;
const PROFILER_EVENT_PROFILE = 0;

export const PROFILER_INTERFACE = 'PipeWire:Interface:Profiler';

export function helloMessages(properties: Record<string, string>): Buffer {
  const props = Object.entries(properties).flatMap(([key, value]) => [PodBuilder.string(key), PodBuilder.string(value)]);
  return Buffer.concat([
    encodeMessage(CORE_ID, CORE_HELLO, 0, new PodBuilder().add(PodBuilder.int(3)).build()),
    encodeMessage(CLIENT_ID, CLIENT_UPDATE_PROPERTIES, 1, new PodBuilder().add(PodBuilder.struct([PodBuilder.int(Object.keys(properties).length), ...props])).build()),
    encodeMessage(CORE_ID, CORE_GET_REGISTRY, 2, new PodBuilder().add(PodBuilder.int(3)).add(PodBuilder.int(REGISTRY_ID)).build()),
  ]);
}

export function bindMessage(globalId: number, type: string, version: number, newId: number, seq: number): Buffer {
  const payload = new PodBuilder().add(PodBuilder.int(globalId)).add(PodBuilder.string(type)).add(PodBuilder.int(version)).add(PodBuilder.int(newId)).build();
  return encodeMessage(REGISTRY_ID, REGISTRY_BIND, seq, payload);
}

export function pongMessage(pingId: number, pingSeq: number, seq: number): Buffer {
  return encodeMessage(CORE_ID, CORE_PONG, seq, new PodBuilder().add(PodBuilder.int(pingId)).add(PodBuilder.int(pingSeq)).build());
}

export interface DriverBlock {
  id: number;
  name: string;
  prevSignalNs: number;
  signalNs: number;
  awakeNs: number;
  finishNs: number;
  /** Activation status: 0 not triggered, 1 triggered, 2 awake, 3 finished, 4 inactive. */
  status: number;
}

/** One driver cycle as the profiler module saw it. */
export interface ProfilerPoint {
  /** The module's per-driver cycle counter. */
  count: number;
  clockNs: number;
  rate: number;
  /** Frames in this cycle: the quantum. */
  duration: number;
  /** The driver's frame position; advances by `duration` per period, also over skipped periods. */
  position: number;
  /** The driver's xrun counter: in the driver block on new servers, in the info block on 0.3.x. */
  xrunCount: number | null;
  driver: DriverBlock;
  /** Followers (clients, streams) in the cycle. */
  followers: number;
  /** Followers (not async ones) that were triggered or awake but had not finished: the cycle was incomplete. */
  unfinished: number;
  /** Names of the unfinished followers (decoded only for incomplete cycles). */
  unfinishedNames: string[];
}

export type ServerEvent =
  | { kind: 'global'; id: number; type: string; version: number }
  | { kind: 'ping'; id: number; seq: number }
  | { kind: 'error'; id: number; res: number; message: string }
  /** Decode with decodeProfile: the caller chooses where the points go without copying them. */
  | { kind: 'profile'; payload: Uint8Array }
  | { kind: 'other' }
  | { kind: 'malformed'; error: string };

/** SPA_TYPE_OBJECT_Profiler and its keys (spa/param/profiler.h). */
export const PROFILER_OBJECT_TYPE = 0x4000a;
const KEY_INFO = 0x10001;
const KEY_CLOCK = 0x10002;
const KEY_DRIVER_BLOCK = 0x10003;
const KEY_FOLLOWER_BLOCK = 0x20001;

/*
 * The profile event is decoded by a dedicated walker, not the generic decodePod: it arrives once
 * per graph cycle (1500-3000 times a second at small quanta) and the monitor's whole CPU budget is
 * 0.5 % of a core, so it reads the few fields it needs in place and allocates one record per cycle.
 */
const MAX_FIELDS = 16;
const fieldAt = new Int32Array(MAX_FIELDS);
const align8 = (n: number): number => (n + 7) & ~7;

/** Records the offsets of a struct's children in `fieldAt`; returns how many, or -1 if malformed. */
function structFields(view: DataView, at: number, limit: number): number {
  if (at + 8 > limit) return -1;
  const size = view.getUint32(at, true);
  if (view.getUint32(at + 4, true) !== 14 || size > limit - at - 8) return -1;
  const end = at + 8 + size;
  let n = 0;
  for (let child = at + 8; child < end; ) {
    if (child + 8 > end) return -1;
    const childSize = view.getUint32(child, true);
    if (childSize > end - child - 8) return -1;
    if (n < MAX_FIELDS) fieldAt[n] = child;
    n++;
    child += 8 + align8(childSize);
  }
  return Math.min(n, MAX_FIELDS);
}

function intField(view: DataView, i: number, n: number): number | null {
  if (i >= n) return null;
  const at = fieldAt[i]!;
  const type = view.getUint32(at + 4, true);
  return (type === 4 || type === 3) && view.getUint32(at, true) >= 4 ? view.getInt32(at + 8, true) : null;
}

function longField(view: DataView, i: number, n: number): number | null {
  if (i >= n) return null;
  const at = fieldAt[i]!;
  if (view.getUint32(at + 4, true) !== 5 || view.getUint32(at, true) < 8) return null;
  // Two 32-bit halves: exact for nanosecond clocks (< 2^53) and far cheaper than BigInt.
  return view.getInt32(at + 12, true) * 4294967296 + view.getUint32(at + 8, true);
}

function boolField(view: DataView, i: number, n: number): boolean {
  if (i >= n) return false;
  const at = fieldAt[i]!;
  return view.getUint32(at + 4, true) === 2 && view.getUint32(at, true) >= 4 && view.getInt32(at + 8, true) !== 0;
}

function fractionDenom(view: DataView, i: number, n: number): number | null {
  if (i >= n) return null;
  const at = fieldAt[i]!;
  return view.getUint32(at + 4, true) === 11 && view.getUint32(at, true) >= 8 ? view.getUint32(at + 12, true) : null;
}

function stringField(bytes: Buffer, view: DataView, i: number, n: number): string | null {
  if (i >= n) return null;
  const at = fieldAt[i]!;
  const size = view.getUint32(at, true);
  if (view.getUint32(at + 4, true) !== 8 || size === 0) return null;
  const nul = bytes.indexOf(0, at + 8);
  return nul < 0 || nul >= at + 8 + size ? null : bytes.toString('utf8', at + 8, nul);
}

export function emptyProfilerPoint(): ProfilerPoint {
  return {
    count: 0,
    clockNs: 0,
    rate: 0,
    duration: 0,
    position: 0,
    xrunCount: null,
    driver: { id: -1, name: '', prevSignalNs: 0, signalNs: 0, awakeNs: 0, finishNs: 0, status: 0 },
    followers: 0,
    unfinished: 0,
    unfinishedNames: [],
  };
}

/**
 * Fills `point` from one Profiler object (body in [body, end)); false if a block is missing or
 * mistyped. `point` is reused across cycles: the driver name is decoded only when the driver id
 * changes, and unfinishedNames holds valid entries only up to `unfinished`.
 */
function readPoint(bytes: Buffer, view: DataView, body: number, end: number, point: ProfilerPoint): boolean {
  let seen = 0;
  point.followers = 0;
  point.unfinished = 0;
  let infoXruns: number | null = null;
  let driverXruns: number | null = null;
  for (let at = body + 8; at < end; ) {
    if (at + 16 > end) return false;
    const key = view.getUint32(at, true);
    const valueAt = at + 8;
    const size = view.getUint32(valueAt, true);
    if (size > end - valueAt - 8) return false;
    at = valueAt + 8 + align8(size);
    if (key === KEY_INFO) {
      const n = structFields(view, valueAt, end);
      const count = longField(view, 0, n);
      if (count === null) return false;
      point.count = count;
      infoXruns = intField(view, 4, n);
      seen |= 1;
    } else if (key === KEY_CLOCK) {
      const n = structFields(view, valueAt, end);
      const clockNs = longField(view, 3, n);
      const rate = fractionDenom(view, 4, n);
      const position = longField(view, 5, n);
      const duration = longField(view, 6, n);
      if (clockNs === null || rate === null || position === null || duration === null) return false;
      point.clockNs = clockNs;
      point.rate = rate;
      point.position = position;
      point.duration = duration;
      seen |= 2;
    } else if (key === KEY_DRIVER_BLOCK) {
      const n = structFields(view, valueAt, end);
      const id = intField(view, 0, n);
      const prev = longField(view, 2, n);
      const signal = longField(view, 3, n);
      const awake = longField(view, 4, n);
      const finish = longField(view, 5, n);
      const status = intField(view, 6, n);
      if (id === null || prev === null || signal === null || awake === null || finish === null || status === null) return false;
      const driver = point.driver;
      if (id !== driver.id || driver.name === '') {
        const name = stringField(bytes, view, 1, n);
        if (name === null) return false;
        driver.name = name;
      }
      driver.id = id;
      driver.prevSignalNs = prev;
      driver.signalNs = signal;
      driver.awakeNs = awake;
      driver.finishNs = finish;
      driver.status = status;
      driverXruns = intField(view, 8, n);
      seen |= 4;
    } else if (key === KEY_FOLLOWER_BLOCK) {
      const n = structFields(view, valueAt, end);
      const status = intField(view, 6, n);
      if (status === null) continue;
      point.followers++;
      // PipeWire 1.x marks async followers (10th field): they run a cycle behind by design, so
      // "not finished yet" is their normal state, not an xrun. 0.3.65 has no such field.
      if ((status === 1 || status === 2) && !boolField(view, 9, n)) {
        const name = stringField(bytes, view, 1, n) ?? '?';
        if (point.unfinished < point.unfinishedNames.length) point.unfinishedNames[point.unfinished] = name;
        else point.unfinishedNames.push(name);
        point.unfinished++;
      }
    }
  }
  point.xrunCount = driverXruns ?? infoXruns;
  return seen === 7;
}

/**
 * Profiler.profile's payload is Struct[ Struct[ Object(Profiler)... ] ]. Each valid point is passed
 * to `visit` (the same object every time: copy what you keep). Returns how many were visited and
 * skipped, or an error when the framing itself is broken.
 */
export function decodeProfile(
  payload: Uint8Array,
  visit: (point: ProfilerPoint) => void,
  point: ProfilerPoint = emptyProfilerPoint(),
): { ok: true; visited: number; skipped: number } | { ok: false; error: string } {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (structFields(view, 0, bytes.length) < 1) return { ok: false, error: 'profile event is not a struct' };
  const inner = fieldAt[0]!;
  if (bytes.length < inner + 8 || view.getUint32(inner + 4, true) !== 14) return { ok: false, error: 'profile event without a struct of samples' };
  const end = inner + 8 + view.getUint32(inner, true);
  let visited = 0;
  let skipped = 0;
  for (let at = inner + 8; at < end; ) {
    if (at + 8 > end) return { ok: false, error: 'truncated sample' };
    const size = view.getUint32(at, true);
    if (size > end - at - 8) return { ok: false, error: 'sample overruns the event' };
    const next = at + 8 + align8(size);
    const isProfiler = view.getUint32(at + 4, true) === 15 && size >= 8 && view.getUint32(at + 8, true) === PROFILER_OBJECT_TYPE;
    if (isProfiler && readPoint(bytes, view, at + 8, at + 8 + size, point)) {
      visit(point);
      visited++;
    } else skipped++;
    at = next;
  }
  return { ok: true, visited, skipped };
}

/** Convenience for tests and tools: every point as its own object. */
export function profilePoints(payload: Uint8Array): ProfilerPoint[] | string {
  const points: ProfilerPoint[] = [];
  const result = decodeProfile(payload, (point) => points.push({ ...point, driver: { ...point.driver }, unfinishedNames: point.unfinishedNames.slice(0, point.unfinished) }));
  return result.ok ? points : result.error;
}

const num = (value: PodValue | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: PodValue | undefined): string | null => (typeof value === 'string' ? value : null);
const list = (value: PodValue | undefined): PodValue[] | null => (Array.isArray(value) ? value : null);

/** Decodes one server message into the events this client acts on. */
export function decodeServerMessage(message: Message): ServerEvent {
  if (message.id === PROFILER_ID && message.opcode === PROFILER_EVENT_PROFILE) return { kind: 'profile', payload: message.payload };
  const known =
    (message.id === CORE_ID && (message.opcode === CORE_EVENT_PING || message.opcode === CORE_EVENT_ERROR)) ||
    (message.id === REGISTRY_ID && message.opcode === REGISTRY_EVENT_GLOBAL);
  if (!known) return { kind: 'other' };
  const decoded = decodePod(message.payload, 0);
  if (!decoded.ok) return { kind: 'malformed', error: decoded.error };
  const fields = list(decoded.value);
  if (fields === null) return { kind: 'malformed', error: 'message body is not a struct' };
  if (message.id === CORE_ID && message.opcode === CORE_EVENT_PING) {
    const [id, seq] = fields;
    if (num(id) === null || num(seq) === null) return { kind: 'malformed', error: 'bad ping' };
    return { kind: 'ping', id: num(id)!, seq: num(seq)! };
  }
  if (message.id === CORE_ID) {
    const [id, , res, text] = fields;
    return { kind: 'error', id: num(id) ?? -1, res: num(res) ?? 0, message: str(text) ?? '' };
  }
  const [id, , type, version] = fields;
  if (num(id) === null || str(type) === null || num(version) === null) return { kind: 'malformed', error: 'bad global' };
  return { kind: 'global', id: num(id)!, type: str(type)!, version: num(version)! };
}
