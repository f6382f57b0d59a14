/**
 * SPA POD, the binary value format of PipeWire's native protocol: every value is an 8-byte header
 * (body size, type) and a body padded to 8 bytes. Decoding is pure and total: malformed bytes
 * come back as a `PodError` value, never as an exception, because they arrive from a socket.
 */

export const PodType = {
  None: 1,
  Bool: 2,
  Id: 3,
  Int: 4,
  Long: 5,
  Float: 6,
  Double: 7,
  String: 8,
  Bytes: 9,
  Rectangle: 10,
  Fraction: 11,
  Bitmap: 12,
  Array: 13,
  Struct: 14,
  Object: 15,
  Sequence: 16,
  Pointer: 17,
  Fd: 18,
  Choice: 19,
  Pod: 20,
} as const;

export interface PodFraction {
  kind: 'fraction';
  num: number;
  denom: number;
}

export interface PodObject {
  kind: 'object';
  objectType: number;
  objectId: number;
  props: Array<{ key: number; value: PodValue }>;
}

/** Values we do not need to understand (arrays, choices, sequences, fds) keep only their type. */
export interface PodOpaque {
  kind: 'opaque';
  type: number;
}

export type PodValue = null | boolean | number | string | PodFraction | PodObject | PodOpaque | PodValue[];

export interface PodError {
  ok: false;
  error: string;
  offset: number;
}

export type PodResult<T> = { ok: true; value: T; next: number } | PodError;

const MAX_DEPTH = 16;
const align8 = (n: number): number => (n + 7) & ~7;

const fail = (error: string, offset: number): PodError => ({ ok: false, error, offset });

/** Decodes one POD starting at `offset` of `bytes`; `next` is the offset after its padded body. */
export function decodePod(bytes: Uint8Array, offset = 0): PodResult<PodValue> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return decodeAt(buffer, view, offset, buffer.length, 0);
}

/** One value within [offset, limit): one DataView for the whole message, no copies (this runs per cycle). */
function decodeAt(bytes: Buffer, view: DataView, offset: number, limit: number, depth: number): PodResult<PodValue> {
  if (depth > MAX_DEPTH) return fail('pod nested too deeply', offset);
  if (offset < 0 || offset + 8 > limit) return fail('truncated pod header', offset);
  const size = view.getUint32(offset, true);
  const type = view.getUint32(offset + 4, true);
  const body = offset + 8;
  if (size > limit - body) return fail(`pod body of ${size} bytes overruns the buffer`, offset);
  const end = body + size;
  const next = Math.min(limit, body + align8(size));
  if (size < (FIXED_SIZES[type] ?? 0)) return fail(`pod type ${type} needs ${FIXED_SIZES[type]} bytes, has ${size}`, offset);
  switch (type) {
    case PodType.None:
      return { ok: true, value: null, next };
    case PodType.Bool:
      return { ok: true, value: view.getInt32(body, true) !== 0, next };
    case PodType.Id:
      return { ok: true, value: view.getUint32(body, true), next };
    case PodType.Int:
      return { ok: true, value: view.getInt32(body, true), next };
    case PodType.Long:
      // Two 32-bit halves: exact for nanosecond clocks (< 2^53) and far cheaper than BigInt.
      return { ok: true, value: view.getInt32(body + 4, true) * 4294967296 + view.getUint32(body, true), next };
    case PodType.Float:
      return { ok: true, value: view.getFloat32(body, true), next };
    case PodType.Double:
      return { ok: true, value: view.getFloat64(body, true), next };
    case PodType.String: {
      if (size === 0) return fail('empty string pod (no terminator)', offset);
      const nul = bytes.indexOf(0, body);
      if (nul < 0 || nul >= end) return fail('string pod without terminator', offset);
      return { ok: true, value: bytes.toString('utf8', body, nul), next };
    }
    case PodType.Fraction:
      return { ok: true, value: { kind: 'fraction', num: view.getUint32(body, true), denom: view.getUint32(body + 4, true) }, next };
    case PodType.Struct: {
      const items: PodValue[] = [];
      let at = body;
      while (at < end) {
        const item = decodeAt(bytes, view, at, end, depth + 1);
        if (!item.ok) return item;
        items.push(item.value);
        at = item.next;
      }
      return { ok: true, value: items, next };
    }
    case PodType.Object: {
      const object: PodObject = { kind: 'object', objectType: view.getUint32(body, true), objectId: view.getUint32(body + 4, true), props: [] };
      let at = body + 8;
      while (at < end) {
        if (at + 8 > end) return fail('truncated object property', at);
        const key = view.getUint32(at, true);
        const value = decodeAt(bytes, view, at + 8, end, depth + 1);
        if (!value.ok) return value;
        object.props.push({ key, value: value.value });
        at = value.next;
      }
      return { ok: true, value: object, next };
    }
    default:
      if (type === 0 || type > 0x7fffffff) return fail(`unknown pod type ${type}`, offset);
      return { ok: true, value: { kind: 'opaque', type }, next };
  }
}

const FIXED_SIZES: Record<number, number> = {
  [PodType.Bool]: 4,
  [PodType.Id]: 4,
  [PodType.Int]: 4,
  [PodType.Long]: 8,
  [PodType.Float]: 4,
  [PodType.Double]: 8,
  [PodType.Fraction]: 8,
  [PodType.Object]: 8,
};

/** Builds the few PODs a client sends: structs of ints, strings and nested structs. */
export class PodBuilder {
  private readonly chunks: Buffer[] = [];

  static int(value: number): Buffer {
    const out = Buffer.alloc(16);
    out.writeUInt32LE(4, 0);
    out.writeUInt32LE(PodType.Int, 4);
    out.writeInt32LE(value, 8);
    return out;
  }

  static string(value: string): Buffer {
    const text = Buffer.from(`${value}\0`, 'utf8');
    const out = Buffer.alloc(8 + align8(text.length));
    out.writeUInt32LE(text.length, 0);
    out.writeUInt32LE(PodType.String, 4);
    text.copy(out, 8);
    return out;
  }

  static struct(items: readonly Buffer[]): Buffer {
    const body = Buffer.concat(items);
    const header = Buffer.alloc(8);
    header.writeUInt32LE(body.length, 0);
    header.writeUInt32LE(PodType.Struct, 4);
    return Buffer.concat([header, body]);
  }

  add(pod: Buffer): this {
    this.chunks.push(pod);
    return this;
  }

  build(): Buffer {
    return PodBuilder.struct(this.chunks);
  }
}
