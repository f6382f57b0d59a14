/**
 * The profile as the doctor reads it. Loading zod costs about 40 ms here (measured: a bundle that
 * only parses profiles/default.json with the schema starts in 105 ms against 64 ms for an empty
 * one), a third of the doctor's whole budget, so the hot path checks only the fields the doctor
 * compares against, by hand. When that check fails the full schema is loaded for the message.
 */
import type { Profile } from '../profile/index.js';
import { parseJson } from '../result.js';
import bundledDefault from '../../profiles/default.json' with { type: 'json' };

export type DoctorProfile = Profile;

export const BUNDLED_DEFAULT = bundledDefault as unknown as DoctorProfile;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isQuantum = (value: unknown): boolean => isInt(value) && value >= 16 && value <= 8192 && (value & (value - 1)) === 0;

/** The fields the checks read, with their shape; anything else in the file is the profile command's business. */
const FIELDS: ReadonlyArray<[string, string, (value: unknown) => boolean]> = [
  ['kernel', 'mode', (v) => v === 'rt' || v === 'lowlatency'],
  ['kernel', 'threadirqs', (v) => typeof v === 'boolean'],
  ['kernel', 'isolatedCpus', (v) => v === null || (typeof v === 'string' && /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(v))],
  ['pipewire', 'rate', (v) => isInt(v) && v > 0],
  ['pipewire', 'quantum', isQuantum],
  ['pipewire', 'minQuantum', isQuantum],
  ['pipewire', 'maxQuantum', isQuantum],
  ['limits', 'rtprio', (v) => isInt(v) && v >= 1 && v <= 99],
  ['limits', 'memlock', (v) => v === 'unlimited' || (isInt(v) && v > 0)],
  ['rtirq', 'enable', (v) => typeof v === 'boolean'],
  ['rtirq', 'nameList', (v) => Array.isArray(v) && v.every((name) => typeof name === 'string')],
  ['cpu', 'governor', (v) => typeof v === 'string'],
  ['sysctl', 'swappiness', (v) => isInt(v) && v >= 0],
  ['sysctl', 'maxUserWatches', (v) => isInt(v) && v > 0],
  ['usbAudio', 'lowlatency', (v) => typeof v === 'boolean'],
  ['usbAudio', 'autosuspend', (v) => typeof v === 'boolean'],
];

/** Returns the first field the doctor cannot use, or null when every field it reads has the right shape. */
export function doctorProfileProblem(data: unknown): string | null {
  if (!isObject(data)) return 'the profile is not a JSON object';
  if (data.version !== 1) return 'version must be 1';
  for (const [section, field, valid] of FIELDS) {
    const block = data[section];
    if (!isObject(block)) return `${section}: missing section`;
    if (!valid(block[field])) return `${section}.${field}: ${block[field] === undefined ? 'missing' : `unexpected value ${JSON.stringify(block[field])}`}`;
  }
  return null;
}

/**
 * Text of a profile file → the profile, or one line naming the problem. A profile the user named
 * (`strict`: --profile, $ARCHIBALD_PROFILE) always gets the full schema; the installed one, written
 * by the Nix module from the same schema, gets the quick check on the hot path.
 */
export async function readDoctorProfile(text: string, source: string, strict = false): Promise<{ ok: true; profile: DoctorProfile } | { ok: false; message: string }> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, message: `${source} is not valid JSON: ${json.error}` };
  const data = json.value;
  if (!strict && doctorProfileProblem(data) === null) return { ok: true, profile: data as DoctorProfile };
  // Only on the error path: the schema's message is the one users see from every other command.
  const { parseProfile } = await import('../profile/index.js');
  const full = parseProfile(text, source);
  return full.ok ? { ok: true, profile: full.profile } : { ok: false, message: full.message };
}
