/**
 * Pure profile edits: `set KEY VALUE` on the parsed JSON and `diff A B`. Nothing here touches
 * the disk; store.ts writes the result once the schema has accepted it.
 */
import { usageError } from '../errors.js';
import { parseJson } from '../result.js';
import { didYouMean } from '../suggest.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** VALUE on the command line: JSON when it parses (32, true, null, [48000], "x"), else the plain string. */
export function parseValueText(text: string): Json {
  const json = parseJson(text);
  return json.ok ? (json.value as Json) : text;
}

const KEY_PATTERN = /^[A-Za-z$][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** Every settable dotted key of the document ("pipewire.quantum"), for "did you mean". */
function leafKeys(document: JsonObject, prefix = ''): string[] {
  return Object.entries(document).flatMap(([name, value]) => {
    if (name === '$schema') return [];
    const key = `${prefix}${name}`;
    return isObject(value) ? leafKeys(value, `${key}.`) : [key];
  });
}

/**
 * Returns a copy of `document` with the dotted `key` set to `value`. The key must name a section
 * and field that exist in the document (or a top-level field); the schema judges the value.
 */
export function setAtKey(document: unknown, key: string, value: Json): JsonObject {
  if (!isObject(document)) throw usageError('the profile is not a JSON object; fix it by hand or run `archibald profile use NAME`');
  if (!KEY_PATTERN.test(key)) throw usageError(`${JSON.stringify(key)} is not a profile key; use a dotted path such as pipewire.quantum`);
  const parts = key.split('.');
  const copy = structuredClone(document);
  let parent: JsonObject = copy;
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    if (!Object.prototype.hasOwnProperty.call(parent, part)) {
      const where = parts.slice(0, index).join('.');
      const known = Object.keys(parent).filter((name) => name !== '$schema').join(', ');
      throw usageError(`${key}: unknown key${didYouMean(key, leafKeys(document))}; ${where === '' ? 'the profile' : where} has ${known}`);
    }
    if (last) {
      parent[part] = value;
    } else {
      const next = parent[part];
      if (!isObject(next)) throw usageError(`${parts.slice(0, index + 1).join('.')} is a value, not a section; set it directly`);
      parent = next;
    }
  }
  return copy;
}

export interface Difference {
  key: string;
  /** undefined when the key exists on one side only. */
  from: Json | undefined;
  to: Json | undefined;
}

function leaves(value: Json, prefix: string, out: Map<string, Json>): Map<string, Json> {
  if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    // Lists (allowedRates, nameList) compare as whole values: their order matters to rtirq.
    out.set(prefix, value);
  }
  return out;
}

/** Field-by-field differences, in the order of `a` then keys only `b` has. `$schema` is ignored. */
export function diffProfiles(a: Json, b: Json): Difference[] {
  const left = leaves(a, '', new Map());
  const right = leaves(b, '', new Map());
  const keys = [...left.keys(), ...[...right.keys()].filter((key) => !left.has(key))].filter((key) => key !== '$schema');
  const same = (x: Json | undefined, y: Json | undefined): boolean => JSON.stringify(x) === JSON.stringify(y);
  return keys.filter((key) => !same(left.get(key), right.get(key))).map((key) => ({ key, from: left.get(key), to: right.get(key) }));
}

/** The text written for a profile: two-space JSON and a final newline, like the shipped files. */
export const renderProfile = (document: Json): string => `${JSON.stringify(document, null, 2)}\n`;
