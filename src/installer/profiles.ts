/**
 * The audio profiles an install can choose from, as ONE list for both front ends: the headless
 * `archibald install --profile NAME` accepts exactly these names, and the Calamares profile page
 * (packagechooser@audioprofile) is generated from the same list at ISO build time. Pure: the
 * bundled profiles come in, each with its round trip from the `archibald latency` model.
 */
import { z } from 'zod';
import { latencyBudget, type DeviceType } from '../latency/index.js';
import type { Profile } from '../profile/index.js';

export interface BundledProfile {
  /** The file name without .json: what `--profile` and the answers file name. */
  id: string;
  profile: Profile;
}

const msSchema = z.number().nonnegative();

export const profileChoiceSchema = z
  .object({
    id: z.string(),
    /** Other file names holding the same profile (default.json is studio). */
    aliases: z.array(z.string()),
    description: z.string(),
    rate: z.number().int(),
    quantum: z.number().int(),
    periods: z.number().int(),
    kernel: z.enum(['rt', 'lowlatency']),
    isolatedCpus: z.string().nullable(),
    /** Modelled round trip (PipeWire, no plugins), as `archibald latency --device pci|usb` prints it. */
    roundTripMs: z.object({ pci: msSchema, usb: msSchema }).strict(),
    /** One line for people: "live: 16 frames at 48 kHz, 1.3 ms on PCI (…), needs isolated CPUs 2-3". */
    summary: z.string(),
  })
  .strict();

export const profileListSchema = z
  .object({
    version: z.literal(1),
    /** The id preselected on the Calamares page (what `--profile` defaults to, aliases resolved). */
    default: z.string(),
    profiles: z.array(profileChoiceSchema),
  })
  .strict();

export type ProfileChoice = z.infer<typeof profileChoiceSchema>;
export type ProfileList = z.infer<typeof profileListSchema>;

export type ListResult = { ok: true; list: ProfileList } | { ok: false; message: string };

function roundTripMs(profile: Profile, device: DeviceType): number {
  return latencyBudget({
    rate: profile.pipewire.rate,
    quantum: profile.pipewire.quantum,
    periods: profile.device.periods,
    device,
    engine: 'pipewire',
    usbSpeed: 'high',
    usbLowlatency: profile.usbAudio.lowlatency,
    jackBridge: profile.pipewire.jackBridge,
    pluginFrames: 0,
  }).totalMs;
}

const kHz = (rate: number): string => `${Number((rate / 1000).toFixed(1))} kHz`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The facts a person choosing needs, after the numbers: kernel and what the machine must offer. */
function needs(profile: Profile): string[] {
  const out = [profile.kernel.mode === 'rt' ? 'PREEMPT_RT kernel' : 'low-latency kernel'];
  if (profile.kernel.isolatedCpus !== null) out.push(`needs isolated CPUs ${profile.kernel.isolatedCpus}`);
  return out;
}

function choice(id: string, profile: Profile, aliases: string[]): ProfileChoice {
  const pci = roundTripMs(profile, 'pci');
  const usb = roundTripMs(profile, 'usb');
  const { rate, quantum } = profile.pipewire;
  return {
    id,
    aliases,
    description: profile.description,
    rate,
    quantum,
    periods: profile.device.periods,
    kernel: profile.kernel.mode,
    isolatedCpus: profile.kernel.isolatedCpus,
    roundTripMs: { pci, usb },
    summary: `${id}: ${quantum} frames at ${kHz(rate)}, ${ms(pci)} on PCI (${ms(usb)} on USB), ${needs(profile).join(', ')}`,
  };
}

const sameProfile = (a: Profile, b: Profile): boolean => JSON.stringify({ ...a, $schema: null }) === JSON.stringify({ ...b, $schema: null });

/**
 * One entry per distinct profile, lowest latency first. A file whose profile names another file
 * and is identical to it (default.json says "studio") is listed as that file's alias, not twice.
 * `preferred` is the profile an install uses without a choice; it must be one of the files.
 */
export function listProfiles(bundled: readonly BundledProfile[], preferred: string): ListResult {
  const byId = new Map(bundled.map((entry) => [entry.id, entry.profile]));
  const aliasOf = (entry: BundledProfile): string | null => {
    const target = byId.get(entry.profile.name);
    return entry.profile.name !== entry.id && target !== undefined && sameProfile(target, entry.profile) ? entry.profile.name : null;
  };
  if (!byId.has(preferred)) {
    const names = bundled.filter((entry) => aliasOf(entry) === null).map((entry) => entry.id);
    return { ok: false, message: `profile ${JSON.stringify(preferred)} is not a bundled profile (one of ${names.join(', ')})` };
  }
  const primary = bundled.filter((entry) => aliasOf(entry) === null);
  const profiles = primary
    .map((entry) => choice(entry.id, entry.profile, bundled.filter((other) => aliasOf(other) === entry.id).map((other) => other.id)))
    .sort((a, b) => a.roundTripMs.pci - b.roundTripMs.pci || a.id.localeCompare(b.id));
  const preferredEntry = bundled.find((entry) => entry.id === preferred);
  const resolved = preferredEntry === undefined ? preferred : (aliasOf(preferredEntry) ?? preferred);
  return { ok: true, list: { version: 1, default: resolved, profiles } };
}

/** Human listing: one summary line per profile, the default marked, then its description. */
export function describeProfileList(list: ProfileList): string {
  const lines: string[] = [];
  for (const entry of list.profiles) {
    const marks = [entry.id === list.default ? 'default' : null, entry.aliases.length > 0 ? `also "${entry.aliases.join('", "')}"` : null].filter((m) => m !== null);
    lines.push(`${entry.summary}${marks.length > 0 ? `  [${marks.join('; ')}]` : ''}`, `    ${entry.description}`);
  }
  lines.push('', 'Round trips are modelled by `archibald latency` (PipeWire, no plugins; converters not included).');
  return `${lines.join('\n')}\n`;
}

const html = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
/** A YAML double-quoted scalar: JSON's string escapes are a subset of YAML's. */
const yamlString = (text: string): string => JSON.stringify(text);

/**
 * The Calamares page: a packagechooser configuration (mode required, method legacy), so the
 * choice lands in global storage as `packagechooser_audioprofile`, which the archibald job reads.
 */
export function renderCalamaresPage(list: ProfileList): string {
  const out = [
    '# The audio profile page of the ArchibaldOS installer (Calamares packagechooser, instance',
    '# packagechooser@audioprofile; the choice is global storage key packagechooser_audioprofile).',
    '# Generated at ISO build time by `archibald install --list-profiles --calamares-page` from the',
    "# toolkit's profiles/*.json and its latency model: the same list `archibald install --profile` takes.",
    '---',
    'mode: required',
    'method: legacy',
    'labels:',
    `    step: ${yamlString('Audio profile')}`,
    `default: ${yamlString(list.default)}`,
    'items:',
  ];
  for (const entry of list.profiles) {
    const facts = [
      `<b>${entry.quantum} frames at ${kHz(entry.rate)}</b>, ${entry.periods} periods`,
      `Modelled round trip: <b>${ms(entry.roundTripMs.pci)}</b> with a PCI card, ${ms(entry.roundTripMs.usb)} with a USB interface`,
      entry.kernel === 'rt' ? 'PREEMPT_RT kernel' : 'Low-latency kernel',
      ...(entry.isolatedCpus === null ? [] : [`Reserves CPUs ${html(entry.isolatedCpus)} for audio alone (isolcpus): the machine needs more CPUs than that`]),
    ];
    const description = `<html>${facts.join('<br/>')}<br/><br/>${html(entry.description)}<br/><br/>Change it later with <tt>archibald profile use NAME</tt> and <tt>archibald apply</tt>.</html>`;
    out.push(
      `    - id: ${yamlString(entry.id)}`,
      `      name: ${yamlString(`${entry.id}: ${entry.quantum} frames, ${ms(entry.roundTripMs.pci)}`)}`,
      `      description: ${yamlString(description)}`,
      // A relative path Calamares does not find is looked up in the branding directory.
      `      screenshot: ${yamlString('logo.png')}`,
    );
  }
  return `${out.join('\n')}\n`;
}
