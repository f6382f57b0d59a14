/**
 * One line per bad value, naming the key, the value and what is allowed:
 *   pipewire.quantum = 33: must be a power of two in 16..8192 (frames)
 * What is allowed comes from the schema's own field descriptions, so the message, the JSON Schema
 * and docs/profile.md can never disagree.
 */
import type { z } from 'zod';
import { profileSchema } from './schema.js';
import { didYouMean } from '../suggest.js';

type Issue = z.core.$ZodIssue;

interface SchemaNode {
  description?: string;
  def: { type: string; shape?: Record<string, SchemaNode>; element?: SchemaNode; innerType?: SchemaNode; in?: SchemaNode };
}

const asNode = (schema: unknown): SchemaNode => schema as SchemaNode;

/** Unwraps optional/nullable/pipe wrappers to the schema that has the shape or element. */
function core(node: SchemaNode): SchemaNode {
  let current = node;
  for (let i = 0; i < 8; i++) {
    const inner = current.def.innerType ?? (current.def.type === 'pipe' ? current.def.in : undefined);
    if (inner === undefined) break;
    current = inner;
  }
  return current;
}

/** The schema nodes along a path (root first); stops where the path leaves the schema. */
function nodesAlong(path: readonly PropertyKey[]): SchemaNode[] {
  const nodes: SchemaNode[] = [asNode(profileSchema)];
  for (const key of path) {
    const here = core(nodes[nodes.length - 1] as SchemaNode);
    const next = typeof key === 'number' ? here.def.element : here.def.shape?.[String(key)];
    if (next === undefined) break;
    nodes.push(next);
  }
  return nodes;
}

/** "frames per graph cycle: a power of two in 16..8192" → "a power of two in 16..8192". */
function allowedPart(description: string): string {
  const colon = description.indexOf(': ');
  return colon === -1 ? description : description.slice(colon + 2);
}

function allowedAt(path: readonly PropertyKey[]): string {
  const nodes = nodesAlong(path);
  if (nodes.length === path.length + 1) {
    const target = nodes[nodes.length - 1] as SchemaNode;
    if (target.description !== undefined) return allowedPart(target.description);
    const shape = core(target).def.shape;
    if (shape !== undefined) return `an object with ${Object.keys(shape).join(', ')}`;
  }
  for (const node of nodes.slice(1).reverse()) if (node.description !== undefined) return allowedPart(node.description);
  return 'a value this profile format accepts';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

/** Any text (a JSON.parse message quotes the input) squeezed onto one printable line. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
}

export const dotted = (path: readonly PropertyKey[]): string => path.map(String).join('.');

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The formatted line for one zod issue against the raw data that was parsed. */
export function formatIssue(issue: Issue, data: unknown): string[] {
  const key = dotted(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const shape = core(nodesAlong(issue.path)[issue.path.length] ?? asNode(profileSchema)).def.shape ?? {};
    const known = Object.keys(shape).join(', ');
    const prefix = key === '' ? '' : `${key}.`;
    const siblings = Object.keys(shape).map((name) => `${prefix}${name}`);
    return issue.keys.map((extra) => `${prefix}${extra}: unknown key${didYouMean(`${prefix}${extra}`, siblings)}; ${key === '' ? 'the profile' : key} has ${known}`);
  }
  // Cross-field rules in schema.ts already write the whole line.
  if (issue.code === 'custom' && issue.message !== 'Invalid input') return [issue.message];
  if (issue.path.length === 0) return ['the profile must be a JSON object'];
  const { found, value } = valueAt(data, issue.path);
  const allowed = allowedAt(issue.path);
  return [found ? `${key} = ${show(value)}: must be ${allowed}` : `${key} is missing: must be ${allowed}`];
}

export function formatProfileIssues(issues: readonly Issue[], data: unknown): string[] {
  return issues.flatMap((issue) => formatIssue(issue, data));
}
