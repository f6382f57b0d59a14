/**
 * Pure: what `archibald apply` would do, as data. The adapter (carry-out.ts) carries a plan out;
 * `--dry-run` prints it. Nothing here runs a program or touches a file.
 */
import type { Profile } from '../schema.js';

export interface RebuildPlan {
  kind: 'nixos';
  /** <flake>/profile.json: the file the system configuration imports (`archibald.audio.profile = ./profile.json;`). */
  target: string;
  source: string;
  /** Built first: evaluates and builds the new system without activating anything. */
  check: string[];
  /** Run only when `check` succeeded. */
  activate: string[];
  rollback: string[];
}

export interface LiveSetting {
  key: string;
  value: number;
}

export interface LivePlan {
  kind: 'live';
  /** pw-metadata -n settings 0 KEY VALUE, in this order. */
  settings: LiveSetting[];
  argvs: string[][];
  readBack: string[];
}

/** A host name usable in a flake attribute (`/etc/nixos#<host>`). */
export const FLAKE_HOST_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function rebuildPlan(options: { flake: string; host: string; source: string; joinPath: (...parts: string[]) => string }): RebuildPlan {
  const flakeRef = `${options.flake}#${options.host}`;
  return {
    kind: 'nixos',
    target: options.joinPath(options.flake, 'profile.json'),
    source: options.source,
    check: ['nixos-rebuild', 'dry-build', '--flake', flakeRef],
    activate: ['nixos-rebuild', 'switch', '--flake', flakeRef],
    rollback: ['nixos-rebuild', 'switch', '--rollback'],
  };
}

/**
 * The PipeWire settings that take effect on a running daemon. Checked against PipeWire 0.3.65
 * here (test/profile/live.test.ts): `clock.force-quantum` and `clock.force-rate` change the running
 * graph at once; `clock.quantum`/`clock.rate` only change the default for nodes that ask for
 * nothing (a running client's own latency request still wins), so the force keys are the live
 * switch. min/max-quantum bound what clients may request once the force is released
 * (`pw-metadata -n settings 0 clock.force-quantum 0`).
 */
export function livePlan(profile: Profile): LivePlan {
  const { rate, quantum, minQuantum, maxQuantum } = profile.pipewire;
  const settings: LiveSetting[] = [
    { key: 'clock.min-quantum', value: minQuantum },
    { key: 'clock.max-quantum', value: maxQuantum },
    { key: 'clock.force-rate', value: rate },
    { key: 'clock.force-quantum', value: quantum },
  ];
  return {
    kind: 'live',
    settings,
    argvs: settings.map(({ key, value }) => ['pw-metadata', '-n', 'settings', '0', key, String(value)]),
    readBack: ['pw-metadata', '-n', 'settings'],
  };
}

/** Which settings the daemon reports back differently from what was set. */
export function liveMismatches(plan: LivePlan, reported: Record<string, string>): string[] {
  return plan.settings
    .filter(({ key, value }) => reported[key] === undefined || Number(reported[key]) !== value)
    .map(({ key, value }) => `${key}: set ${value}, PipeWire reports ${reported[key] ?? 'nothing'}`);
}

/**
 * /etc/os-release says NixOS: ID=nixos, or a NixOS derivative such as ArchibaldOS itself
 * (NixOS writes ID_LIKE=nixos whenever system.nixos.distroId is changed).
 */
export function osReleaseIsNixos(text: string): boolean {
  if (/^ID=("?)nixos\1\s*$/m.test(text)) return true;
  const like = /^ID_LIKE=("?)([^"\n]*)\1\s*$/m.exec(text)?.[2] ?? '';
  return like.split(/\s+/).includes('nixos');
}
