/**
 * `archibald apply`: the profile made real. Works out the plan first (plan.ts, pure), prints it for
 * --dry-run, and otherwise hands it to carry-out.ts, the adapter that writes and rebuilds.
 */
import { hostname } from 'node:os';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { ArchibaldError, inputError, usageError } from '../../errors.js';
import { printJson } from '../../output.js';
import { defaultProfilePath, readProfileFile } from '../load.js';
import { FLAKE_HOST_PATTERN, livePlan, rebuildPlan } from './plan.js';

type Options = Record<string, string | boolean | undefined>;

const stringOption = (options: Options, name: string): string | undefined => {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
};

export async function runApplyCommand(options: Options): Promise<number> {
  const file = defaultProfilePath(stringOption(options, 'file'));
  const { text, profile } = await readProfileFile(file);
  const flake = path.resolve(stringOption(options, 'flake') ?? '/etc/nixos');
  const host = stringOption(options, 'host') ?? hostname();
  if (!FLAKE_HOST_PATTERN.test(host)) throw usageError(`--host ${JSON.stringify(host)} is not a flake host name (letters, digits, "-" and "_")`);
  const live = options.live === true;
  const { detectNixos } = await import('./carry-out.js');
  const system = await detectNixos();
  const rebuild = system.nixos ? rebuildPlan({ flake, host, source: file, joinPath: path.join }) : null;
  const liveSteps = live ? livePlan(profile) : null;

  if (rebuild === null && !live) {
    throw new ArchibaldError(
      'UNSUPPORTED',
      `this is not NixOS (${system.evidence}): apply would write ${path.join(flake, 'profile.json')} and run \`nixos-rebuild dry-build --flake ${flake}#${host}\`, then \`nixos-rebuild switch\``,
      { suggestion: 'elsewhere, `archibald apply --live` sets the PipeWire quantum and rate on the running daemon; the rest of the profile needs NixOS' },
    );
  }

  if (options.dryRun === true) {
    const plan = {
      dryRun: true,
      profile: { file, name: profile.name },
      nixos: system.nixos,
      rebuild: rebuild === null ? null : { write: rebuild.target, backup: `${rebuild.target}.bak`, run: [rebuild.check, rebuild.activate], onFailure: { restore: rebuild.target, rollback: rebuild.rollback } },
      live: liveSteps === null ? null : { run: liveSteps.argvs, readBack: liveSteps.readBack },
    };
    if (options.json === true) printJson(plan);
    else {
      process.stdout.write(`apply plan for profile ${profile.name} (${file}); nothing is changed (--dry-run)\n`);
      if (rebuild !== null) {
        process.stdout.write(`  write  ${rebuild.target} (atomically; previous version kept as ${rebuild.target}.bak)\n`);
        process.stdout.write(`  run    ${rebuild.check.join(' ')}\n`);
        process.stdout.write(`  run    ${rebuild.activate.join(' ')}   (only if the dry-build succeeded)\n`);
        process.stdout.write(`  on failure: restore the previous ${rebuild.target}; roll back a switch with \`${rebuild.rollback.join(' ')}\`\n`);
      }
      for (const argv of liveSteps?.argvs ?? []) process.stdout.write(`  run    ${argv.join(' ')}\n`);
      if (liveSteps !== null) process.stdout.write(`  check  ${liveSteps.readBack.join(' ')}\n`);
    }
    return 0;
  }

  const { carryOutLive, carryOutRebuild } = await import('./carry-out.js');
  const result: Record<string, unknown> = { profile: { file, name: profile.name } };
  if (rebuild !== null) {
    if (!(await lstat(flake).then((info) => info.isDirectory()).catch(() => false))) {
      throw inputError(`${flake} is not a directory: point --flake at the system flake (the directory holding flake.nix)`);
    }
    result.rebuild = await carryOutRebuild(rebuild, text);
    if (options.json !== true) process.stdout.write(`switched to profile ${profile.name} (${rebuild.target})\n`);
  }
  if (liveSteps !== null) {
    const outcome = await carryOutLive(liveSteps);
    result.live = outcome;
    if (outcome.mismatches.length > 0) {
      if (options.json === true) printJson(result);
      throw new ArchibaldError('TOOL_FAILED', `PipeWire did not take the live settings: ${outcome.mismatches.join('; ')}`);
    }
    if (options.json !== true) {
      process.stdout.write(`PipeWire now runs ${profile.pipewire.rate} Hz, quantum ${profile.pipewire.quantum} (read back: ${liveSteps.settings.map(({ key }) => `${key}=${outcome.settings[key]}`).join(' ')})\n`);
      process.stdout.write('  this lasts until PipeWire restarts; release the force with `pw-metadata -n settings 0 clock.force-quantum 0`\n');
    }
  }
  if (options.json === true) printJson(result);
  return 0;
}
