/** CPU: frequency, SMT, boost, and the power-management QoS interface. */
import type { CheckDefinition, Context, Facts, UserFacts } from '../types.js';
import type { NodeAccess } from '../parse/sysfs.js';
import type { UdevRule } from '../parse/etc.js';
import { fix, maybe, need } from './judge.js';

/** Can `user` open `path` for `access`, judged from stat(1) output or, failing that, udev rules? */
export function deviceAccess(
  facts: Facts,
  user: UserFacts,
  paths: readonly string[],
  access: 'read' | 'write',
): { verdict: 'yes' | 'no' | 'absent' | 'unknown'; evidence: string[] } {
  const bit = access === 'write' ? 2 : 4;
  const nodes = maybe(facts.deviceNodes);
  if (nodes !== undefined) {
    const node = nodes.find((candidate: NodeAccess) => paths.includes(candidate.path));
    if (node === undefined) return { verdict: 'absent', evidence: [`${paths.join(', ')}: no such device`] };
    const mode = node.mode.toString(8).padStart(4, '0');
    const evidence = [`${node.path}: mode ${mode}, owner ${node.owner}, group ${node.group}`];
    if (user.uid === 0) return { verdict: 'yes', evidence: [...evidence, `${user.name} is root`] };
    const allowed =
      (node.mode & bit) !== 0 || (user.groups.includes(node.group) && (node.mode & (bit << 3)) !== 0) || (node.owner === user.name && (node.mode & (bit << 6)) !== 0);
    return { verdict: allowed ? 'yes' : 'no', evidence };
  }
  if (user.uid === 0) return { verdict: 'yes', evidence: [`${user.name} is root`] };
  const rules = maybe(facts.udevRules);
  if (rules === undefined) return { verdict: 'unknown', evidence: [facts.deviceNodes.ok ? '' : facts.deviceNodes.reason, facts.udevRules.ok ? '' : facts.udevRules.reason].filter(Boolean) };
  const names = paths.map((path) => path.replace(/^\/dev\//, ''));
  const glob = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  // A rule names the node by KERNEL=="rtc0" or by its device path (DEVPATH=="/devices/virtual/misc/cpu_dma_latency").
  const matching = rules.filter((rule: UdevRule) => {
    const { KERNEL: kernel, DEVPATH: devpath } = rule.matches;
    return names.some((name) => (kernel !== undefined && glob(kernel).test(name)) || (devpath !== undefined && glob(devpath).test(`/devices/virtual/misc/${name}`)) || (devpath !== undefined && devpath.endsWith(`/${name}`)));
  });
  for (const rule of matching) {
    const group = rule.assigns.GROUP;
    // udevd gives a node with a group but no MODE 0660 (0600 without a group).
    const mode = rule.assigns.MODE !== undefined ? parseInt(rule.assigns.MODE, 8) : group !== undefined ? 0o660 : null;
    const tagged = rule.assigns.TAG?.includes('uaccess') ?? false;
    const grants = (group !== undefined && user.groups.includes(group) && mode !== null && (mode & (bit << 3)) !== 0) || (mode !== null && (mode & bit) !== 0) || (tagged && access === 'read');
    const where = rule.matches.KERNEL !== undefined ? `KERNEL=="${rule.matches.KERNEL}"` : `DEVPATH=="${rule.matches.DEVPATH ?? ''}"`;
    if (grants) return { verdict: 'yes', evidence: [`${rule.source}: ${where} ${Object.entries(rule.assigns).map(([k, v]) => `${k}="${v}"`).join(' ')}`] };
  }
  return { verdict: 'no', evidence: [matching.length === 0 ? `no udev rule for ${names.join('/')} in ${facts.udevRules.ok ? facts.udevRules.source : ''}` : `udev rules for ${names.join('/')} do not grant ${user.name} ${access} access`] };
}

export const timerAccessFix = (context: Context, devices: string) =>
  fix(context, {
    nix: 'archibald.audio.timerAccess.enable = true; (udev rules: rtc, hpet and cpu_dma_latency for @audio)',
    other: `create /etc/udev/rules.d/40-timer-audio.rules with ${devices}, then udevadm control --reload && udevadm trigger`,
    nixos: `services.udev.extraRules = ''${devices}'';`,
  });

export const cpuChecks: CheckDefinition[] = [
  {
    id: 'cpu-governor',
    title: 'CPU frequency governor',
    group: 'CPU',
    needs: ['governors'],
    judge(facts, context) {
      const governors = need(facts.governors);
      const known = governors.filter((entry) => entry.governor.ok) as Array<{ cpu: number; governor: { ok: true; value: string } }>;
      if (known.length === 0) {
        const reason = governors[0]?.governor.ok === false ? governors[0].governor.reason : 'no CPUs listed';
        return { status: 'skip', summary: 'no cpufreq governor to read (a VM, or frequency left to the firmware)', evidence: [reason] };
      }
      const wanted = context.profile.cpu.governor;
      const off = known.filter((entry) => entry.governor.value !== wanted);
      const byGovernor = new Map<string, number[]>();
      for (const entry of known) byGovernor.set(entry.governor.value, [...(byGovernor.get(entry.governor.value) ?? []), entry.cpu]);
      const evidence = [...byGovernor].map(([governor, cpus]) => `CPU ${cpus.join(',')}: ${governor}`);
      if (off.length === 0) return { status: 'pass', summary: `all ${known.length} CPUs use the ${wanted} governor`, evidence };
      return {
        status: 'warn',
        summary: `${off.length} of ${known.length} CPUs do not use the ${wanted} governor: the clock ramps up only after the audio thread is already late`,
        evidence,
        fix: fix(context, {
          nix: `archibald.audio.cpu.governor = "${wanted}";`,
          other: `cpupower frequency-set -g ${wanted}, and make it stick with GOVERNOR="${wanted}" in /etc/default/cpupower (or cpufrequtils)`,
          nixos: `powerManagement.cpuFreqGovernor = "${wanted}";`,
        }),
      };
    },
  },
  {
    id: 'smt',
    title: 'Simultaneous multithreading',
    group: 'CPU',
    needs: ['smtControl', 'smtActive', 'threadSiblings'],
    judge(facts, context) {
      const control = maybe(facts.smtControl);
      const active = maybe(facts.smtActive);
      const siblings = maybe(facts.threadSiblings);
      const evidence: string[] = [];
      if (control !== undefined) evidence.push(`/sys/devices/system/cpu/smt/control: ${control}`);
      if (active !== undefined) evidence.push(`/sys/devices/system/cpu/smt/active: ${active}`);
      if (siblings !== undefined) evidence.push(`cpu0 thread siblings: ${siblings.join(',')}`);
      const theFix = fix(context, {
        nix: 'archibald.audio.kernel.disableSmt = true;',
        other: 'add nosmt to the kernel command line (or for this boot only: echo off > /sys/devices/system/cpu/smt/control)',
        nixos: 'boot.kernelParams = [ "nosmt" ];',
      });
      if (control === 'notsupported' || control === 'notimplemented') return { status: 'pass', summary: 'this CPU has no SMT', evidence };
      if (control === 'off' || control === 'forceoff' || active === 0) return { status: 'pass', summary: 'SMT is off', evidence };
      if (active === 1 || control === 'on') return { status: 'warn', summary: 'SMT is on: an audio thread shares its core with another thread, which shows as DSP-load spikes', evidence, fix: theFix };
      if (siblings !== undefined) {
        return siblings.length > 1
          ? { status: 'warn', summary: `SMT is on (cpu0 shares its core with CPU ${siblings.filter((cpu) => cpu !== 0).join(',')})`, evidence, fix: theFix }
          : { status: 'pass', summary: 'no SMT siblings', evidence };
      }
      return { status: 'skip', summary: 'no SMT control or topology in /sys', evidence: [facts.smtActive.ok ? '' : facts.smtActive.reason].filter(Boolean) };
    },
  },
  {
    id: 'cpu-boost',
    title: 'CPU boost (turbo)',
    group: 'CPU',
    needs: ['boost'],
    judge(facts, context) {
      const boost = need(facts.boost);
      const evidence = [`${facts.boost.ok ? facts.boost.source : ''}: boost ${boost.enabled ? 'on' : 'off'}`];
      if (!boost.enabled) return { status: 'pass', summary: 'boost is off: the clock stays steady', evidence };
      return {
        status: 'warn',
        summary: 'boost is on: clock changes and thermal limits make DSP time per cycle vary; turn it off if you see spikes',
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.cpu.boost = false;',
          other: boost.interface === 'cpufreq boost' ? 'echo 0 > /sys/devices/system/cpu/cpufreq/boost from a boot-time service' : 'echo 1 > /sys/devices/system/cpu/intel_pstate/no_turbo from a boot-time service',
          nixos: boost.interface === 'cpufreq boost' ? 'systemd.tmpfiles.rules = [ "w /sys/devices/system/cpu/cpufreq/boost - - - - 0" ];' : 'systemd.tmpfiles.rules = [ "w /sys/devices/system/cpu/intel_pstate/no_turbo - - - - 1" ];',
        }),
      };
    },
  },
  {
    id: 'power-management',
    title: 'CPU DMA latency control (/dev/cpu_dma_latency)',
    group: 'CPU',
    needs: ['user', 'deviceNodes', 'udevRules'],
    judge(facts, context) {
      const user = need(facts.user);
      const access = deviceAccess(facts, user, ['/dev/cpu_dma_latency'], 'write');
      if (access.verdict === 'yes') return { status: 'pass', summary: `${user.name} can write /dev/cpu_dma_latency, so a DAW can keep the CPUs out of deep idle states`, evidence: access.evidence };
      if (access.verdict === 'unknown') return { status: 'skip', summary: 'cannot tell who may write /dev/cpu_dma_latency', evidence: access.evidence };
      if (access.verdict === 'absent') return { status: 'skip', summary: 'this kernel has no /dev/cpu_dma_latency', evidence: access.evidence };
      return {
        status: 'warn',
        summary: `${user.name} cannot write /dev/cpu_dma_latency: DAWs (Ardour, Reaper) cannot stop deep C-states that cost wake-up latency`,
        evidence: access.evidence,
        fix: timerAccessFix(context, 'KERNEL=="cpu_dma_latency", GROUP="audio", MODE="0660"'),
      };
    },
  },
];
