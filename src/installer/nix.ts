/** Writing Nix source safely: every value a person typed goes through these, never string pasting. */

/** A Nix double-quoted string literal; `${` is escaped so a name can never become an interpolation. */
export function nixString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '$' && value[i + 1] === '{') out += '\\$';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${out}"`;
}

const NIX_KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/** An attribute name: bare where Nix allows it, quoted otherwise (host names may start with a digit). */
export function nixAttr(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && !NIX_KEYWORDS.has(name) ? name : nixString(name);
}

export type NixValue = string | number | boolean | null | NixRaw | NixValue[] | { [key: string]: NixValue };

/** Nix source that is already an expression (a path such as ./profile.json, or a call). */
export class NixRaw {
  constructor(readonly source: string) {}
}
export const raw = (source: string): NixRaw => new NixRaw(source);

/** Pretty-prints a value as nixfmt would lay it out (two-space indent, one binding per line). */
export function toNix(value: NixValue, indent = ''): string {
  const inner = `${indent}  `;
  if (value instanceof NixRaw) return value.source;
  if (value === null) return 'null';
  if (typeof value === 'string') return nixString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Nix has no NaN or infinity');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[\n${value.map((item) => `${inner}${toNix(item, inner)}\n`).join('')}${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{ }';
  return `{\n${entries.map(([key, item]) => `${inner}${nixAttr(key)} = ${toNix(item, inner)};\n`).join('')}${indent}}`;
}
