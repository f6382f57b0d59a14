/**
 * Several numeric keys set in one validated, atomic write under the profile's lock (what
 * `profile set` does for one key), for commands that produce profile values (`tune --write`).
 * Refuses the toolkit's own shipped profiles unless the file was named explicitly.
 */
import path from 'node:path';
import { ArchibaldError, usageError } from '../errors.js';
import { writeFileAtomic } from '../system/index.js';
import { parseJson } from '../result.js';
import { renderProfile, setAtKey, type Json } from './edit.js';
import { bundledProfilesDir, checkProfile, defaultProfilePath } from './load.js';
import { hooksFromEnv, readBytes, withLock } from './store.js';

export async function writeProfileValues(explicitFile: string | undefined, changes: ReadonlyArray<{ key: string; value: number }>): Promise<string> {
  const target = defaultProfilePath(explicitFile);
  if (explicitFile === undefined && path.resolve(path.dirname(target)) === path.resolve(bundledProfilesDir())) {
    throw usageError(`no profile file to write: the active profile is the shipped ${target}`, 'name one with --file FILE (or ARCHIBALD_PROFILE); on NixOS, --file /etc/nixos/profile.json');
  }
  await withLock(target, async () => {
    const bytes = await readBytes(target);
    if (bytes === null) throw new ArchibaldError('NOT_FOUND', `profile ${target} does not exist`);
    const json = parseJson(bytes.toString('utf8'));
    if (!json.ok) throw new ArchibaldError('BAD_PROFILE', `${target} is not valid JSON: ${json.error}`);
    let document = json.value as Json;
    for (const { key, value } of changes) document = setAtKey(document, key, value);
    const checked = checkProfile(document, target);
    if (!checked.ok) throw new ArchibaldError('BAD_PROFILE', checked.message, { suggestion: `${target} is unchanged` });
    await writeFileAtomic(target, renderProfile(document), { backup: true, hooks: hooksFromEnv() });
  });
  return target;
}
