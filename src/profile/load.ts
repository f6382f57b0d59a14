/** Reading a profile file: JSON parse + schema, every failure one line naming the file and the key. */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ArchibaldError } from '../errors.js';
import { formatProfileIssues, oneLine } from './messages.js';
import { profileSchema, type Profile } from './schema.js';
import { parseJson } from '../result.js';

export type ProfileResult = { ok: true; profile: Profile } | { ok: false; message: string };

/** Pure: text in, profile or one-line reason out. */
export function parseProfile(text: string, source = 'profile'): ProfileResult {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, message: `${source} is not valid JSON: ${oneLine(json.error)}` };
  return checkProfile(json.value, source);
}

/** Pure: already-parsed JSON in, profile or one-line reason (one clause per bad value) out. */
export function checkProfile(data: unknown, source = 'profile'): ProfileResult {
  const parsed = profileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, message: `${source}: ${formatProfileIssues(parsed.error.issues, data).join('; ')}` };
  return { ok: true, profile: parsed.data };
}

/** The profiles/ folder shipped beside the bundled CLI (dist/../profiles) or the source tree. */
export function bundledProfilesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/cli.js, dist/chunks/x.js and src/profile/load.ts all sit below the package root.
  let dir = here;
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'profiles');
    if (path.basename(dir) !== 'src' && existsSyncSafe(path.join(candidate, 'default.json'))) return candidate;
    dir = path.dirname(dir);
  }
  return path.join(here, '..', '..', 'profiles');
}

function existsSyncSafe(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Where the active profile lives: --file, then $ARCHIBALD_PROFILE, then the installed system's
 * /etc/archibald/profile.json (written by the Nix module), then the bundled default.
 */
export function defaultProfilePath(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = process.env.ARCHIBALD_PROFILE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (existsSyncSafe('/etc/archibald/profile.json')) return '/etc/archibald/profile.json';
  return path.join(bundledProfilesDir(), 'default.json');
}

/** A profile file's text; a missing or unreadable file is one line naming it. */
export async function readProfileText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ArchibaldError('NOT_FOUND', code === 'ENOENT' ? `profile ${file} does not exist` : `cannot read profile ${file}: ${(error as Error).message}`);
  }
}

/** The profile file's exact text and its checked profile: `apply` writes the text, not a re-rendering. */
export async function readProfileFile(file: string): Promise<{ text: string; profile: Profile }> {
  const text = await readProfileText(file);
  const result = parseProfile(text, file);
  if (!result.ok) throw new ArchibaldError('BAD_PROFILE', result.message);
  return { text, profile: result.profile };
}

export async function loadProfile(file?: string): Promise<{ path: string; profile: Profile }> {
  const target = defaultProfilePath(file);
  const { profile } = await readProfileFile(target);
  return { path: target, profile };
}
