/**
 * Where measurements are kept so `report` and `console` can show the latest of each kind:
 * $ARCHIBALD_STATE_DIR, else $XDG_STATE_HOME/archibald, else ~/.local/state/archibald.
 * Files are `results/<kind>-<timestamp>.json`, written atomically.
 */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './write.js';

export type ResultKind = 'bench-rt' | 'bench-rtl' | 'bench-xruns' | 'doctor' | 'latency' | 'tune';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ARCHIBALD_STATE_DIR) return env.ARCHIBALD_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
  return path.join(base, 'archibald');
}

export async function saveResult(kind: ResultKind, document: unknown, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(stateDir(env), 'results', `${kind}-${stamp}.json`);
  await writeFileAtomic(file, `${JSON.stringify(document, null, 2)}\n`, { createDirs: true });
  return file;
}

/** The newest saved result of a kind, or null when there is none (or it is unreadable). */
export async function latestResult(kind: ResultKind, env: NodeJS.ProcessEnv = process.env): Promise<{ file: string; document: unknown } | null> {
  const dir = path.join(stateDir(env), 'results');
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return null;
  }
  const matching = entries.filter((name) => name.startsWith(`${kind}-`) && name.endsWith('.json')).sort();
  for (const name of matching.reverse()) {
    try {
      const file = path.join(dir, name);
      return { file, document: JSON.parse(await readFile(file, 'utf8')) as unknown };
    } catch {
      // a damaged file must not hide an older good one
    }
  }
  return null;
}
