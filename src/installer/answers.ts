/**
 * What the person chose (Calamares or flags) and where the ISO came from, as zod schemas.
 * Everything here is a boundary: the answers file is written by the Calamares job, the source pin
 * by the ISO's Nix build. Each value is checked tightly because it ends up inside Nix source.
 */
import { z } from 'zod';
import { formatIssues } from '../errors.js';
import { parseJson } from '../result.js';

/** RFC 1123 label, which is also what NixOS' networking.hostName accepts (no dots). */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** POSIX portable user name as shadow's useradd accepts it, lower case, at most 32 characters. */
export const USERNAME_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
/** glibc locale names as i18n.defaultLocale takes them: en_US.UTF-8, de_DE@euro, C.UTF-8. */
export const LOCALE_PATTERN = /^([a-z]{2,3}(_[A-Z]{2})?|C|POSIX)(\.[A-Za-z0-9-]+)?(@[a-z]+)?$/;
/** tzdata names: UTC, Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT+5. */
export const TIMEZONE_PATTERN = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
export const KEYBOARD_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const PROFILE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const UUID_PATTERN = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
export const DEVICE_PATTERN = /^\/dev\/[A-Za-z0-9_.:/-]+$/;

/** Accounts NixOS (or the toolkit) already owns; a login by that name would collide. */
export const RESERVED_USERNAMES = new Set([
  'root', 'nobody', 'nixbld', 'daemon', 'bin', 'sys', 'messagebus', 'systemd-network', 'systemd-resolve',
  'systemd-timesync', 'systemd-oom', 'systemd-coredump', 'sddm', 'polkituser', 'rtkit', 'pipewire', 'nscd',
  'sshd', 'avahi', 'geoclue', 'audio', 'video', 'wheel', 'users',
]);

export const LC_KEYS = [
  'LC_ADDRESS', 'LC_IDENTIFICATION', 'LC_MEASUREMENT', 'LC_MONETARY', 'LC_NAME', 'LC_NUMERIC', 'LC_PAPER',
  'LC_TELEPHONE', 'LC_TIME',
] as const;

/** Where the Calamares job enrols the initrd's key file (as calamares-nixos-extensions' nixos job does). */
export const GRUB_KEY_FILE = '/boot/crypto_keyfile.bin';

/**
 * On BIOS, GRUB must read /boot before anything is unlocked: that needs cryptodisk when /boot is
 * its own encrypted partition, or lives inside an encrypted root. UEFI boots from the plain ESP.
 */
export function bootIsEncrypted(answers: { firmware: 'efi' | 'bios'; luks: boolean; bootPartition: 'none' | 'plain' | 'encrypted' }): boolean {
  return answers.firmware === 'bios' && (answers.bootPartition === 'encrypted' || (answers.luks && answers.bootPartition === 'none'));
}

const locale = z.string().regex(LOCALE_PATTERN, { error: (i) => `not a locale name such as en_US.UTF-8 (got ${JSON.stringify(i.input)})` });

export const answersSchema = z
  .object({
    version: z.literal(1, { error: 'version must be 1 (answers format 1)' }),
    hostname: z.string().regex(HOSTNAME_PATTERN, {
      error: (i) => `hostname must be 1-63 letters, digits and inner "-" (RFC 1123), got ${JSON.stringify(i.input)}`,
    }),
    username: z
      .string()
      .regex(USERNAME_PATTERN, {
        error: (i) => `username must start with a-z or "_" and hold up to 32 of a-z 0-9 _ - (got ${JSON.stringify(i.input)})`,
      })
      .refine((name) => !RESERVED_USERNAMES.has(name), { error: (i) => `username ${JSON.stringify(i.input)} is reserved by the system` }),
    fullName: z
      .string()
      .max(128)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'fullName must not contain control characters' })
      .default(''),
    locale,
    extraLocaleSettings: z.partialRecord(z.enum(LC_KEYS), locale).default({}),
    timezone: z.string().regex(TIMEZONE_PATTERN, { error: (i) => `not a time zone such as Europe/Berlin (got ${JSON.stringify(i.input)})` }),
    keyboard: z
      .object({
        layout: z.string().regex(KEYBOARD_PATTERN, { error: 'keyboard.layout must be an XKB layout name such as "us" or "de"' }),
        variant: z.union([z.literal(''), z.string().regex(KEYBOARD_PATTERN)], { error: 'keyboard.variant must be an XKB variant name or ""' }).default(''),
        consoleKeymap: z.string().regex(KEYBOARD_PATTERN, { error: 'keyboard.consoleKeymap must be a console keymap name such as "de"' }).nullable().default(null),
      })
      .strict(),
    luks: z.boolean({ error: 'luks must be true or false' }),
    /** Encrypted partitions nixos-generate-config does not see by itself (swap), unlocked in the initrd. */
    luksDevices: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'luksDevices[].name must be a device-mapper name' }),
            uuid: z.string().regex(UUID_PATTERN, { error: 'luksDevices[].uuid must be a UUID' }),
          })
          .strict(),
      )
      .max(16)
      .default([]),
    firmware: z.enum(['efi', 'bios'], { error: 'firmware must be "efi" or "bios"' }),
    bootDevice: z.string().regex(DEVICE_PATTERN, { error: 'bootDevice must be a /dev/ path' }).nullable().default(null),
    /**
     * /boot as Calamares (or disko) laid it out: inside the root file system, its own plain
     * partition (every ESP), or its own encrypted one. On BIOS, GRUB reads /boot before anything
     * is unlocked, which decides whether it must unlock LUKS itself.
     */
    bootPartition: z.enum(['none', 'plain', 'encrypted'], { error: 'bootPartition must be "none", "plain" or "encrypted"' }).default('none'),
    /**
     * BIOS with /boot encrypted: GRUB unlocks it (cryptodisk) and the initrd unlocks these devices
     * with a key file instead of asking again. The Calamares job enrols the key file, because only
     * Calamares holds the passphrases; the answers name the devices, never a secret.
     */
    grubCryptodisk: z
      .object({
        keyFile: z.literal(GRUB_KEY_FILE, { error: `grubCryptodisk.keyFile must be ${GRUB_KEY_FILE}` }),
        devices: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'grubCryptodisk.devices[] must be device-mapper names' })).min(1).max(16),
      })
      .strict()
      .nullable()
      .default(null),
    profile: z.string().regex(PROFILE_NAME_PATTERN, { error: (i) => `profile must be a profile name such as "default" (got ${JSON.stringify(i.input)})` }),
    autoLogin: z.boolean().default(false),
    stateVersion: z.string().regex(/^\d{2}\.\d{2}$/, { error: 'stateVersion must look like "25.11"' }).nullable().default(null),
  })
  .strict()
  .superRefine((answers, ctx) => {
    if (answers.firmware === 'bios' && answers.bootDevice === null) {
      ctx.addIssue({ code: 'custom', path: ['bootDevice'], message: 'a BIOS install needs bootDevice (the disk GRUB is written to)' });
    }
    const grubUnlocks = bootIsEncrypted(answers);
    if (grubUnlocks && answers.grubCryptodisk === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['grubCryptodisk'],
        message:
          'BIOS with /boot on an encrypted partition needs GRUB to unlock it with an enrolled key file (grubCryptodisk); give /boot its own unencrypted partition instead, or boot in UEFI mode',
      });
    }
    if (!grubUnlocks && answers.grubCryptodisk !== null) {
      ctx.addIssue({ code: 'custom', path: ['grubCryptodisk'], message: 'grubCryptodisk is only for BIOS installs whose /boot is encrypted' });
    }
  });

export type Answers = z.output<typeof answersSchema>;
export type AnswersInput = z.input<typeof answersSchema>;

/**
 * The ISO's own source pin, /etc/archibald/source.json, written by the ISO's Nix build, so the
 * installed flake follows exactly the revision the person booted.
 */
export const sourceSchema = z
  .object({
    url: z
      .string()
      .regex(/^(github|gitlab|sourcehut|git\+https|git\+ssh|git\+file|https|path):[^\s"\\$?#]+$/, {
        error: 'url must be a flake URL without ?query, such as "github:owner/archibaldos"',
      }),
    rev: z.string().regex(/^[0-9a-f]{40}$/, { error: 'rev must be a full 40-character git commit hash' }),
    narHash: z
      .string()
      .regex(/^sha256-[A-Za-z0-9+/]{43}=$/, { error: 'narHash must be an SRI sha256 hash (sha256-…=)' })
      .optional(),
  })
  .strict();

export type SourcePin = z.infer<typeof sourceSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parseJsonWith<T>(schema: z.ZodType<T>, text: string, source: string): Parsed<T> {
  const json = parseJson(text);
  if (!json.ok) return { ok: false, message: `${source} is not valid JSON: ${json.error}` };
  const parsed = schema.safeParse(json.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `${source}: ${formatIssues(parsed.error.issues)}` };
}

export const parseAnswers = (text: string, source = 'answers'): Parsed<Answers> => parseJsonWith(answersSchema, text, source);
export const parseSource = (text: string, source = 'source.json'): Parsed<SourcePin> => parseJsonWith(sourceSchema, text, source);

export function validateAnswers(data: unknown, source = 'answers'): Parsed<Answers> {
  const parsed = answersSchema.safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `${source}: ${formatIssues(parsed.error.issues)}` };
}

/** `--source github:o/r@REV[#narHash]`-free form: the flag takes `URL@REV`. */
export function parseSourceFlag(flag: string): Parsed<SourcePin> {
  const at = flag.lastIndexOf('@');
  if (at <= 0) return { ok: false, message: `--source must be URL@REV, e.g. github:owner/archibaldos@<40-hex commit> (got ${JSON.stringify(flag)})` };
  const parsed = sourceSchema.safeParse({ url: flag.slice(0, at), rev: flag.slice(at + 1) });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: `--source: ${formatIssues(parsed.error.issues)}` };
}

/** The flake reference that pins the installed system to the ISO's revision (and, offline, to its store copy). */
export function pinnedFlakeUrl(pin: SourcePin): string {
  const forge = /^(github|gitlab|sourcehut):([^/]+\/[^/]+)$/.exec(pin.url);
  const base = forge !== null ? `${pin.url}/${pin.rev}` : `${pin.url}?rev=${pin.rev}`;
  if (pin.narHash === undefined) return base;
  return `${base}${base.includes('?') ? '&' : '?'}narHash=${encodeURIComponent(pin.narHash)}`;
}
