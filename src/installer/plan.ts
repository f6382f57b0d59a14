/**
 * Install plans: every file that will be written and every command that will run, in order,
 * with exact argv. Pure. `--dry-run` prints this; the executor (apply.ts) carries it out as is.
 */
import type { Answers, SourcePin } from './answers.js';
import { renderConfiguration, renderDiskoLayout, renderFlake } from './render.js';

export interface TreeFile {
  name: string;
  /** null: produced at run time by the `capture` step that names this file. */
  content: string | null;
}

export type Step =
  | { step: 'write'; path: string; content: string; why: string }
  | { step: 'run'; argv: string[]; why: string; stdin?: string }
  | { step: 'capture'; argv: string[]; into: string; why: string }
  | { step: 'tree'; dir: string; files: TreeFile[]; why: string };

export interface Plan {
  version: 1;
  mode: 'install' | 'finalize';
  root: string;
  disk: string | null;
  flake: string;
  steps: Step[];
}

export interface CommonInput {
  answers: Answers;
  source: SourcePin;
  /** The profile JSON exactly as shipped (profiles/<name>.json), validated by the caller. */
  profileText: string;
  stateVersion: string;
}

export interface HeadlessInput extends CommonInput {
  disk: string;
  mountPoint: string;
  workDir: string;
  luksPasswordFile: string | null;
  /** Set the user's password from a file after nixos-install (otherwise the person runs passwd). */
  setPassword: boolean;
}

export interface FinalizeInput extends CommonInput {
  root: string;
  /** Known hardware configuration text, or null to run nixos-generate-config at install time. */
  hardwareConfig: string | null;
  install: boolean;
}

const join = (dir: string, name: string): string => `${dir.replace(/\/+$/, '')}/${name}`;

function treeFiles(input: CommonInput, disko: string | null, hardwareConfig: string | null): TreeFile[] {
  const { answers, source } = input;
  return [
    { name: 'flake.nix', content: renderFlake({ hostname: answers.hostname, source, withDisko: disko !== null }) },
    { name: 'configuration.nix', content: renderConfiguration(answers, input.stateVersion, { grubDiskFromDisko: disko !== null }) },
    ...(disko === null ? [] : [{ name: 'disko.nix', content: disko }]),
    { name: 'hardware-configuration.nix', content: hardwareConfig },
    { name: 'profile.json', content: input.profileText.endsWith('\n') ? input.profileText : `${input.profileText}\n` },
  ];
}

function nixosInstall(root: string, hostname: string, extra: string[] = []): string[] {
  return ['nixos-install', '--flake', `${join(root, 'etc/nixos')}#${hostname}`, '--no-root-passwd', '--root', root, ...extra];
}

export function planHeadless(input: HeadlessInput): Plan {
  const { answers, mountPoint } = input;
  const layout = renderDiskoLayout({
    device: input.disk,
    luks: answers.luks,
    firmware: answers.firmware,
    luksPasswordFile: input.luksPasswordFile,
  });
  const layoutPath = join(input.workDir, 'disko.nix');
  const etcNixos = join(mountPoint, 'etc/nixos');
  const steps: Step[] = [
    { step: 'write', path: layoutPath, content: layout, why: 'the disk layout disko partitions, formats and mounts' },
    {
      step: 'run',
      // disko's own safety prompt is replaced by ours (model and size, or --yes).
      argv: ['disko', '--mode', 'destroy,format,mount', '--yes-wipe-all-disks', '--root-mountpoint', mountPoint, layoutPath],
      why: `erase ${input.disk}, create GPT + ESP + ${answers.luks ? 'LUKS2 + ' : ''}ext4 and mount it on ${mountPoint}`,
    },
    {
      step: 'capture',
      // --no-filesystems: disko.nix already declares them; two definitions would conflict.
      argv: ['nixos-generate-config', '--show-hardware-config', '--no-filesystems', '--root', mountPoint],
      into: 'hardware-configuration.nix',
      why: 'detect kernel modules, CPU microcode and the platform of this machine',
    },
    { step: 'tree', dir: etcNixos, files: treeFiles(input, layout, null), why: 'the installed system: a flake that follows ArchibaldOS' },
    { step: 'run', argv: nixosInstall(mountPoint, answers.hostname), why: 'build ArchibaldOS and install it with its boot loader' },
  ];
  if (input.setPassword) {
    steps.push({
      step: 'run',
      argv: ['nixos-enter', '--root', mountPoint, '--', 'chpasswd'],
      stdin: `${answers.username}:<password from --password-file>`,
      why: `set ${answers.username}'s password`,
    });
  }
  return { version: 1, mode: 'install', root: mountPoint, disk: input.disk, flake: `${etcNixos}#${answers.hostname}`, steps };
}

export function planFinalize(input: FinalizeInput): Plan {
  const { answers, root } = input;
  const etcNixos = join(root, 'etc/nixos');
  const steps: Step[] = [];
  if (input.hardwareConfig === null) {
    steps.push({
      step: 'capture',
      // With file systems: Calamares partitioned and mounted them, so the scan is their only record.
      argv: ['nixos-generate-config', '--show-hardware-config', '--root', root],
      into: 'hardware-configuration.nix',
      why: 'detect hardware and the file systems Calamares mounted',
    });
  }
  steps.push({ step: 'tree', dir: etcNixos, files: treeFiles(input, null, input.hardwareConfig), why: 'the installed system: a flake that follows ArchibaldOS' });
  if (input.install) {
    steps.push({
      step: 'run',
      // Calamares mounts the target below /tmp; Nix refuses a build dir with a world-writable parent
      // (the same option the stock calamares-nixos-extensions job passes).
      argv: nixosInstall(root, answers.hostname, ['--option', 'build-dir', '/nix/var/nix/builds']),
      why: 'build ArchibaldOS and install it with its boot loader',
    });
  }
  return { version: 1, mode: 'finalize', root, disk: null, flake: `${etcNixos}#${answers.hostname}`, steps };
}

/** Human rendering of a plan: numbered steps, each file with its content, each argv quoted. */
export function describePlan(plan: Plan): string {
  const out: string[] = [];
  const quote = (arg: string): string => (/^[A-Za-z0-9_@%+=:,./#-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  plan.steps.forEach((step, index) => {
    const n = `${index + 1}.`;
    switch (step.step) {
      case 'write':
        out.push(`${n} write ${step.path}  (${step.why})`, indentBlock(step.content));
        break;
      case 'run':
        out.push(`${n} run   ${step.argv.map(quote).join(' ')}  (${step.why})`);
        if (step.stdin !== undefined) out.push(`      stdin: ${step.stdin}`);
        break;
      case 'capture':
        out.push(`${n} run   ${step.argv.map(quote).join(' ')} > ${step.into}  (${step.why})`);
        break;
      case 'tree':
        out.push(`${n} write ${step.dir}/ atomically  (${step.why})`);
        for (const file of step.files) {
          if (file.content === null) out.push(`   - ${step.dir}/${file.name}  (output of step above)`);
          else out.push(`   - ${step.dir}/${file.name}`, indentBlock(file.content));
        }
        break;
    }
  });
  return `${out.join('\n')}\n`;
}

function indentBlock(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '      |' : `      | ${line}`))
    .join('\n');
}
