/**
 * Glue for `archibald install` and `archibald install finalize`: flags and files in, validated
 * answers, a pure plan, refusals as one line with exit 2, then (unless --dry-run) the plan carried out.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ArchibaldError, usageError } from '../errors.js';
import { printJson } from '../output.js';
import { bundledProfilesDir, parseProfile } from '../profile/index.js';
import { hostSystem, type System } from '../system/index.js';
import { parseAnswers, parseSource, parseSourceFlag, validateAnswers, PROFILE_NAME_PATTERN, type Answers, type SourcePin } from './answers.js';
import { applyPlan } from './apply.js';
import { describeDisk, judgeDisk } from './disk.js';
import { describePlan, planFinalize, planHeadless, type Plan } from './plan.js';
import { probeDisk } from './probe.js';
import { describeProfileList, listProfiles, renderCalamaresPage, type BundledProfile } from './profiles.js';

type Options = Record<string, string | boolean | undefined>;

const refused = (message: string, suggestion?: string): ArchibaldError =>
  new ArchibaldError('REFUSED', message, suggestion === undefined ? {} : { suggestion });

const str = (options: Options, key: string): string | undefined => {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
};

async function readInputFile(system: System, file: string, what: string, maxBytes = 256 * 1024): Promise<string> {
  const result = await system.files.readFile(path.resolve(file), { maxBytes });
  if (!result.ok) throw new ArchibaldError(result.problem === 'missing' ? 'NOT_FOUND' : 'BAD_INPUT', `${what}: ${result.message}`);
  if (result.truncated) throw new ArchibaldError('BAD_INPUT', `${what} ${file} is larger than ${maxBytes} bytes`);
  return result.text;
}

/** --source wins; otherwise the pin the ISO's build wrote (docs/installer.md, "Source pin"). */
async function loadSource(system: System, options: Options): Promise<SourcePin> {
  const flag = str(options, 'source');
  if (flag !== undefined) {
    const parsed = parseSourceFlag(flag);
    if (!parsed.ok) throw usageError(parsed.message);
    return parsed.value;
  }
  const file = str(options, 'sourceFile') ?? '/etc/archibald/source.json';
  const result = await system.files.readFile(file, { maxBytes: 64 * 1024 });
  if (!result.ok) {
    throw usageError(
      result.problem === 'missing' ? `no ArchibaldOS source pin: ${file} does not exist` : `cannot read the source pin: ${result.message}`,
      'pass --source github:OWNER/archibaldos@<commit> (on the live ISO the pin is written by the build)',
    );
  }
  const parsed = parseSource(result.text, file);
  if (!parsed.ok) throw new ArchibaldError('BAD_INPUT', parsed.message);
  return parsed.value;
}

async function loadProfileText(system: System, name: string): Promise<string> {
  if (!PROFILE_NAME_PATTERN.test(name)) throw usageError(`--profile must be a profile name such as "default" (got ${JSON.stringify(name)})`);
  const file = path.join(bundledProfilesDir(), `${name}.json`);
  const result = await system.files.readFile(file, { maxBytes: 256 * 1024 });
  if (!result.ok) throw new ArchibaldError('NOT_FOUND', `profile ${JSON.stringify(name)} does not exist (${file})`);
  const parsed = parseProfile(result.text, file);
  if (!parsed.ok) throw new ArchibaldError('BAD_PROFILE', parsed.message);
  return result.text;
}

/** Every bundled profile (profiles/*.json but the JSON Schema), each validated. */
async function loadBundledProfiles(system: System): Promise<BundledProfile[]> {
  const dir = bundledProfilesDir();
  const listing = await system.files.readDir(dir);
  if (!listing.ok) throw new ArchibaldError('NOT_FOUND', `cannot list the bundled profiles in ${dir}: ${listing.message}`);
  const ids = listing.entries.filter((name) => name.endsWith('.json') && PROFILE_NAME_PATTERN.test(name.slice(0, -5)) && name !== 'profile.schema.json');
  return Promise.all(
    ids.map(async (name) => {
      const file = path.join(dir, name);
      const result = await system.files.readFile(file, { maxBytes: 256 * 1024 });
      if (!result.ok) throw new ArchibaldError('NOT_FOUND', `cannot read ${file}: ${result.message}`);
      const parsed = parseProfile(result.text, file);
      if (!parsed.ok) throw new ArchibaldError('BAD_PROFILE', parsed.message);
      return { id: name.slice(0, -5), profile: parsed.profile };
    }),
  );
}

/**
 * `archibald install --list-profiles`: the one list both installers offer. With --calamares-page it
 * prints the Calamares page built from it (the ISO build runs this); --profile marks the default.
 */
async function runListProfiles(system: System, options: Options): Promise<number> {
  const preferred = str(options, 'profile') ?? 'default';
  if (!PROFILE_NAME_PATTERN.test(preferred)) throw usageError(`--profile must be a profile name such as "default" (got ${JSON.stringify(preferred)})`);
  const listed = listProfiles(await loadBundledProfiles(system), preferred);
  if (!listed.ok) throw usageError(listed.message);
  if (options.calamaresPage === true) process.stdout.write(renderCalamaresPage(listed.list));
  else if (options.json === true) printJson(listed.list);
  else process.stdout.write(describeProfileList(listed.list));
  return 0;
}

/** system.stateVersion: flag, answers, then the release the live system runs (as the stock Calamares job does). */
async function stateVersionOf(system: System, options: Options, answers: Answers): Promise<string> {
  const explicit = str(options, 'stateVersion') ?? answers.stateVersion ?? undefined;
  if (explicit !== undefined) {
    if (!/^\d{2}\.\d{2}$/.test(explicit)) throw usageError(`--state-version must look like 25.11 (got ${JSON.stringify(explicit)})`);
    return explicit;
  }
  const result = await system.run(['nixos-version'], { timeoutMs: 5000 });
  const release = result.ok ? /^(\d{2}\.\d{2})/.exec(result.stdout.trim())?.[1] : undefined;
  if (release === undefined) throw usageError('cannot tell the NixOS release for system.stateVersion (nixos-version is not available)', 'pass --state-version 25.11');
  return release;
}

function output(plan: Plan, options: Options, result: unknown = null): void {
  if (options.json === true) printJson(result === null ? { plan } : { plan, result });
  else if (result === null) process.stdout.write(describePlan(plan));
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

export async function runInstallCommand(options: Options): Promise<number> {
  const system = hostSystem();
  if (options.listProfiles === true) return runListProfiles(system, options);
  if (options.calamaresPage === true) throw usageError('--calamares-page goes with --list-profiles');
  const disk = str(options, 'disk');
  if (disk === undefined) throw usageError('install needs --disk /dev/XXX (the whole disk to erase)');
  const dryRun = options.dryRun === true;
  if (!dryRun && !isRoot()) throw refused('install must run as root: it partitions disks and runs nixos-install', 'run it with sudo');

  const facts = await probeDisk(system, disk);
  const verdict = judgeDisk(facts);
  if (!verdict.ok) throw refused(verdict.message);

  const firmwareFlag = str(options, 'firmware');
  if (firmwareFlag !== undefined && firmwareFlag !== 'efi' && firmwareFlag !== 'bios') throw usageError(`--firmware must be efi or bios (got ${JSON.stringify(firmwareFlag)})`);
  const firmware = firmwareFlag ?? ((await system.files.exists('/sys/firmware/efi')) ? 'efi' : 'bios');
  const keyboard = str(options, 'keyboard') ?? 'us';
  const validated = validateAnswers(
    {
      version: 1,
      hostname: str(options, 'hostname'),
      username: str(options, 'user'),
      fullName: str(options, 'fullName') ?? '',
      locale: str(options, 'locale'),
      timezone: str(options, 'timezone'),
      // XKB and console keymap names differ (gb/uk): the console follows the XKB layout instead.
      keyboard: { layout: keyboard, variant: '', consoleKeymap: null },
      luks: options.luks === true,
      firmware,
      bootDevice: firmware === 'bios' ? disk : null,
      // disko's layout always gives /boot its own plain partition (the ESP), so GRUB reads it on BIOS
      // and only the initrd unlocks the root.
      bootPartition: 'plain',
      profile: str(options, 'profile'),
    },
    'install options',
  );
  if (!validated.ok) throw new ArchibaldError('BAD_INPUT', validated.message);
  const answers = validated.value;

  const luksPasswordFile = str(options, 'luksPassphraseFile') ?? null;
  if (answers.luks && luksPasswordFile === null && !dryRun) {
    throw usageError('--luks needs --luks-passphrase-file FILE (disko reads the passphrase from it while formatting)');
  }
  if (luksPasswordFile !== null) await readInputFile(system, luksPasswordFile, '--luks-passphrase-file');
  const passwordFile = str(options, 'passwordFile');
  const password = passwordFile === undefined ? null : (await readInputFile(system, passwordFile, '--password-file')).split('\n')[0] ?? '';
  if (password !== null && (password === '' || password.includes(':'))) throw new ArchibaldError('BAD_INPUT', '--password-file: the first line must be a password without ":"');

  const source = await loadSource(system, options);
  const profileText = await loadProfileText(system, answers.profile);
  const stateVersion = await stateVersionOf(system, options, answers);

  const plan = planHeadless({
    answers,
    source,
    profileText,
    stateVersion,
    disk,
    mountPoint: path.resolve(str(options, 'mountPoint') ?? '/mnt'),
    workDir: path.resolve(str(options, 'workDir') ?? '/tmp/archibald-install'),
    luksPasswordFile: luksPasswordFile === null ? null : path.resolve(luksPasswordFile),
    setPassword: password !== null,
  });
  if (dryRun) {
    output(plan, options);
    return 0;
  }

  if (options.yes !== true) {
    if (process.stdin.isTTY !== true) throw refused(`refusing to erase ${describeDisk(facts)} without confirmation: no terminal to ask on`, 'pass --yes to confirm in advance');
    if (!(await confirm(`This ERASES everything on ${verdict.summary}.\nType "yes" to install ArchibaldOS on it: `))) {
      throw refused(`not confirmed: ${disk} was left untouched`);
    }
  }
  const result = await applyPlan(plan, {
    system,
    log: (line) => process.stderr.write(`${line}\n`),
    stdinFor: () => `${answers.username}:${password ?? ''}\n`,
  });
  output(plan, options, { installed: true, ...result });
  if (options.json !== true) {
    process.stdout.write(`ArchibaldOS is installed on ${disk}. Its flake is ${plan.flake}.\n`);
    if (password === null) process.stdout.write(`Set a password before rebooting: nixos-enter --root ${plan.root} -- passwd ${answers.username}\n`);
  }
  return 0;
}

export async function runFinalizeCommand(options: Options): Promise<number> {
  const system = hostSystem();
  const rootFlag = str(options, 'root');
  const answersFile = str(options, 'answers');
  if (rootFlag === undefined || answersFile === undefined) throw usageError('finalize needs --root DIR and --answers FILE');
  const root = path.resolve(rootFlag);
  const dryRun = options.dryRun === true;
  const install = options.install !== false;

  const parsed = parseAnswers(await readInputFile(system, answersFile, 'answers file', 64 * 1024), answersFile);
  if (!parsed.ok) throw new ArchibaldError('BAD_INPUT', parsed.message);
  const answers = parsed.value;
  if (install && !dryRun && !isRoot()) throw refused('finalize must run as root to run nixos-install', 'run it with sudo, or pass --no-install');
  const rootDir = await system.files.readDir(root);
  if (!rootDir.ok) throw refused(`--root ${root} is not a directory: ${rootDir.message}`);

  const hardwareFile = str(options, 'hardwareConfig');
  const hardwareConfig = hardwareFile === undefined ? null : await readInputFile(system, hardwareFile, '--hardware-config');
  const plan = planFinalize({
    answers,
    source: await loadSource(system, options),
    profileText: await loadProfileText(system, answers.profile),
    stateVersion: await stateVersionOf(system, options, answers),
    root,
    hardwareConfig,
    install,
  });
  if (dryRun) {
    output(plan, options);
    return 0;
  }
  const result = await applyPlan(plan, { system, log: (line) => process.stderr.write(`${line}\n`) });
  output(plan, options, { installed: install, ...result });
  if (options.json !== true) process.stdout.write(`${install ? 'Installed' : 'Wrote'} ${plan.flake}\n`);
  return 0;
}
