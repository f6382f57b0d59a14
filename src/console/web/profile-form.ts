/**
 * The profile form is generated from the profile's zod schema (through its JSON Schema), so a
 * field added to the schema appears here without touching the console. Pure: no DOM.
 */
export type Option = string | number;

export type Widget =
  | { kind: 'bool' }
  | { kind: 'select'; options: Option[] }
  | { kind: 'multi'; options: Option[] }
  | { kind: 'list' }
  | { kind: 'number'; suggestions: Option[] }
  | { kind: 'text'; nullable: boolean; numericUnion: boolean; long: boolean }
  | { kind: 'fixed' };

export interface FieldSpec {
  path: string[];
  id: string;
  label: string;
  help: string;
  widget: Widget;
}

export interface SectionSpec {
  title: string;
  fields: FieldSpec[];
}

type Node = Record<string, unknown>;

const asNode = (value: unknown): Node => (typeof value === 'object' && value !== null ? (value as Node) : {});

function constOptions(node: Node): Option[] | null {
  if (Array.isArray(node.enum) && node.enum.every((v) => typeof v === 'string' || typeof v === 'number')) return node.enum as Option[];
  const anyOf = node.anyOf;
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((branch) => 'const' in asNode(branch))) {
    return anyOf.map((branch) => asNode(branch).const as Option);
  }
  return null;
}

function widgetFor(node: Node): Widget {
  if ('const' in node) return { kind: 'fixed' };
  const options = constOptions(node);
  const type = node.type;
  // A number with a list of good values (quantum) stays a number field with suggestions, so any
  // value can be typed and the schema says what is wrong with it, as the CLI would.
  if (type === 'number' || type === 'integer') return { kind: 'number', suggestions: options ?? [] };
  if (options !== null) return { kind: 'select', options };
  if (type === 'boolean') return { kind: 'bool' };
  if (type === 'array') {
    const items = asNode(node.items);
    const itemOptions = constOptions(items);
    return itemOptions === null ? { kind: 'list' } : { kind: 'multi', options: itemOptions };
  }
  const types = Array.isArray(type) ? type : [type];
  const anyOf = Array.isArray(node.anyOf) ? node.anyOf.map(asNode) : [];
  const numericUnion = anyOf.some((branch) => branch.type === 'number' || branch.type === 'integer');
  const nullable = types.includes('null') || anyOf.some((branch) => branch.type === 'null');
  return { kind: 'text', nullable, numericUnion, long: typeof node.maxLength === 'number' && node.maxLength > 64 };
}

const labelOf = (key: string): string => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** Sections of fields from the profile's JSON Schema; "$schema" is bookkeeping and left out. */
export function formSpec(jsonSchema: unknown): SectionSpec[] {
  const root = asNode(jsonSchema);
  const properties = asNode(root.properties);
  const general: FieldSpec[] = [];
  const sections: SectionSpec[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (key === '$schema') continue;
    const node = asNode(value);
    if (node.type === 'object' && node.properties !== undefined) {
      const fields = Object.entries(asNode(node.properties)).map(([child, childNode]) => ({
        path: [key, child],
        id: `${key}.${child}`,
        label: labelOf(child),
        help: String(asNode(childNode).description ?? ''),
        widget: widgetFor(asNode(childNode)),
      }));
      sections.push({ title: labelOf(key), fields });
    } else {
      general.push({ path: [key], id: key, label: labelOf(key), help: String(node.description ?? ''), widget: widgetFor(node) });
    }
  }
  return [{ title: 'Profile', fields: general }, ...sections];
}

export type RawValue = string | boolean | string[];

/** What the form shows for a profile value. */
export function toRaw(value: unknown, widget: Widget): RawValue {
  switch (widget.kind) {
    case 'bool':
      return value === true;
    case 'multi':
      return Array.isArray(value) ? value.map(String) : [];
    case 'list':
      return Array.isArray(value) ? value.map(String).join(' ') : '';
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

/**
 * What the profile gets from the form. Text that is not a number stays text, so the schema (not
 * this function) says what is wrong with it, in the same words as the CLI.
 */
export function fromRaw(raw: RawValue, widget: Widget, original: unknown): unknown {
  switch (widget.kind) {
    case 'bool':
      return raw === true;
    case 'fixed':
      return original;
    case 'select':
      return widget.options.find((option) => String(option) === raw) ?? raw;
    case 'multi':
      return widget.options.filter((option) => Array.isArray(raw) && raw.includes(String(option)));
    case 'list':
      return String(raw)
        .split(/[\s,]+/)
        .filter((word) => word !== '');
    case 'number': {
      const text = String(raw).trim();
      const n = Number(text);
      return text === '' || !Number.isFinite(n) ? text : n;
    }
    case 'text': {
      const text = String(raw);
      if (widget.nullable && text.trim() === '') return null;
      if (widget.numericUnion && /^\d+$/.test(text.trim())) return Number(text.trim());
      return text;
    }
  }
}

export function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => asNode(current)[key], value);
}

/** A copy of `base` with each field replaced by the form's value. */
export function buildCandidate(base: unknown, sections: readonly SectionSpec[], raw: Readonly<Record<string, RawValue>>): unknown {
  const copy = JSON.parse(JSON.stringify(base ?? {})) as Node;
  for (const field of sections.flatMap((section) => section.fields)) {
    const value = raw[field.id];
    if (value === undefined) continue;
    let target = copy;
    for (const key of field.path.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Node;
    }
    target[field.path.at(-1) as string] = fromRaw(value, field.widget, getPath(base, field.path));
  }
  return copy;
}

export function initialRaw(profile: unknown, sections: readonly SectionSpec[]): Record<string, RawValue> {
  return Object.fromEntries(sections.flatMap((section) => section.fields).map((field) => [field.id, toRaw(getPath(profile, field.path), field.widget)]));
}
