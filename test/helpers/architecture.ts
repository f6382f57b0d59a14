/**
 * The layering rules of src/, checked over a map of file path -> source text, so a test can check
 * the real tree and the same tree with an import planted in it (and see the rule fail).
 *
 *   shared (src/*.ts)  <  domain libraries (pipewire, jack, linux, html)  <  system  <  capabilities
 *
 * The composition roots (src/cli.ts, src/doctor/main.ts) wire everything and are exempt.
 */
import path from 'node:path/posix';

export const DOMAIN_LIBRARIES = ['pipewire', 'jack', 'linux', 'html'] as const;
export const CAPABILITIES = ['doctor', 'bench', 'profile', 'latency', 'console', 'report', 'installer', 'tune'] as const;
export const COMPOSITION_ROOTS = ['src/cli.ts', 'src/doctor/main.ts'] as const;
/** The files another capability may import: its public surface (contract.ts is the browser-safe part). */
export const PUBLIC_SURFACE = ['index.ts', 'contract.ts'] as const;
const OS_MODULES = new Set(['fs', 'fs/promises', 'child_process', 'net']);
/** Inside src/system, the modules that start processes: everyone else reaches them through System. */
const SYSTEM_INTERNALS = new Set(['src/system/run.ts', 'src/system/processes.ts']);

export interface Violation {
  rule: 'layer' | 'internals' | 'cycle' | 'os';
  file: string;
  detail: string;
}

/** "shared" for src/*.ts, else the top folder under src/. */
export function unitOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? 'shared' : parts[1]!;
}

function layerOf(unit: string): number {
  if (unit === 'shared') return 0;
  if ((DOMAIN_LIBRARIES as readonly string[]).includes(unit)) return 1;
  if (unit === 'system') return 2;
  if ((CAPABILITIES as readonly string[]).includes(unit)) return 3;
  return 4; // an unknown folder: must be given a layer before anything may import it
}

/** Every module specifier of a file: static imports, re-exports, side-effect and dynamic imports. */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s*(['"])([^'"]+)\1|(?:^|[\s;])import\s*(['"])([^'"]+)\3|\bimport\(\s*(['"])([^'"]+)\5\s*\)/gm)) {
    out.push(match[2] ?? match[4] ?? match[6]!);
  }
  return out;
}

function resolve(from: string, spec: string, files: ReadonlyMap<string, string>): string | null {
  const base = path.join(path.dirname(from), spec);
  for (const candidate of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx')]) if (files.has(candidate)) return candidate;
  return null;
}

/** The rules, checked; `osExceptions` names each file outside src/system allowed an OS import. */
export function checkArchitecture(files: ReadonlyMap<string, string>, osExceptions: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const from = unitOf(file);
    const root = (COMPOSITION_ROOTS as readonly string[]).includes(file);
    for (const spec of specifiers(text)) {
      const bare = spec.replace(/^node:/, '');
      if (OS_MODULES.has(bare) && from !== 'system' && !osExceptions.has(file)) {
        violations.push({ rule: 'os', file, detail: `imports ${spec} outside src/system` });
      }
      if (!spec.startsWith('.')) continue;
      const target = resolve(file, spec, files);
      if (target === null || !target.startsWith('src/')) continue;
      if (SYSTEM_INTERNALS.has(target) && from !== 'system' && !osExceptions.has(file)) {
        violations.push({ rule: 'os', file, detail: `imports ${target} instead of going through System` });
      }
      const to = unitOf(target);
      if (root || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      if (layerOf(to) > layerOf(from)) violations.push({ rule: 'layer', file, detail: `${from} (layer ${layerOf(from)}) imports ${target} (layer ${layerOf(to)})` });
      if (layerOf(to) === 3 && !(PUBLIC_SURFACE as readonly string[]).includes(target.slice(`src/${to}/`.length))) {
        violations.push({ rule: 'internals', file, detail: `imports ${target}, not ${to}'s index.ts or contract.ts` });
      }
    }
  }
  for (const cycle of folderCycles(edges)) violations.push({ rule: 'cycle', file: `src/${cycle[0]}`, detail: `folder cycle: ${cycle.join(' -> ')}` });
  return violations;
}

/** Strongly connected components with more than one folder (Tarjan), each as a closed path. */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push([...component.sort(), component[0]!]);
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}
