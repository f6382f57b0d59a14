/** Kernel: how it was built and how it was booted. */
import type { CheckDefinition, Facts } from '../types.js';
import { cmdlineValue, configEnabled, hasFlag } from '../parse/kernel.js';
import { formatCpuSet, parseCpuSet } from '../parse/sysfs.js';
import { fix, maybe, need } from './judge.js';
import { isCostlyMitigation, MITIGATION_FILES, mitigationCost } from './mitigation-cost.js';

export type PreemptionModel = 'rt' | 'full' | 'lazy' | 'voluntary' | 'none' | 'unknown';

/**
 * The preemption model the kernel runs with. PREEMPT_RT is the only real-time one: `preempt=full`
 * on a PREEMPT_DYNAMIC kernel is full preemption of a normal kernel, which rtcqs counts as real-time.
 */
export function preemptionModel(facts: Facts): { model: PreemptionModel; evidence: string[] } {
  const config = maybe(facts.kernelConfig);
  const version = maybe(facts.kernelVersion);
  const cmdline = maybe(facts.cmdline) ?? [];
  const evidence: string[] = [];
  if (config !== undefined && (configEnabled(config, 'CONFIG_PREEMPT_RT') || configEnabled(config, 'CONFIG_PREEMPT_RT_FULL'))) {
    return { model: 'rt', evidence: [`${facts.kernelConfig.ok ? facts.kernelConfig.source : 'config'}: CONFIG_PREEMPT_RT=y`] };
  }
  if (maybe(facts.realtimeFlag) === 1) return { model: 'rt', evidence: ['/sys/kernel/realtime: 1'] };
  if (version !== undefined && /\bPREEMPT_RT\b/.test(version)) return { model: 'rt', evidence: [`/proc/version: ${version.slice(0, 120)}`] };
  const requested = cmdlineValue(cmdline, 'preempt');
  if (config !== undefined) {
    const dynamic = configEnabled(config, 'CONFIG_PREEMPT_DYNAMIC');
    const builtIn: PreemptionModel = configEnabled(config, 'CONFIG_PREEMPT')
      ? 'full'
      : configEnabled(config, 'CONFIG_PREEMPT_LAZY')
        ? 'lazy'
        : configEnabled(config, 'CONFIG_PREEMPT_VOLUNTARY')
          ? 'voluntary'
          : 'none';
    evidence.push(`kernel config: ${dynamic ? 'CONFIG_PREEMPT_DYNAMIC=y, ' : ''}default model ${builtIn}`);
    if (dynamic && typeof requested === 'string' && ['full', 'lazy', 'voluntary', 'none'].includes(requested)) {
      evidence.push(`/proc/cmdline: preempt=${requested}`);
      return { model: requested as PreemptionModel, evidence };
    }
    return { model: builtIn, evidence };
  }
  if (version !== undefined) {
    evidence.push(`/proc/version: ${version.slice(0, 120)}`);
    if (/\bPREEMPT_DYNAMIC\b/.test(version)) {
      if (typeof requested === 'string' && ['full', 'lazy', 'voluntary', 'none'].includes(requested)) return { model: requested as PreemptionModel, evidence: [...evidence, `/proc/cmdline: preempt=${requested}`] };
      return { model: 'unknown', evidence: [...evidence, 'PREEMPT_DYNAMIC kernel without its configuration: the default model is unknown'] };
    }
    if (/\bPREEMPT\b/.test(version)) return { model: 'full', evidence };
  }
  return { model: 'unknown', evidence };
}

/** Every vulnerability file the mitigations check classifies (the gatherer reads only these). */
export const COSTLY_MITIGATION_FILES = MITIGATION_FILES;
export { isCostlyMitigation };

const kernelConfigSource = (facts: Facts): string => (facts.kernelConfig.ok ? facts.kernelConfig.source : 'kernel config');

const GRUB = 'add it to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (or grub2-mkconfig -o /boot/grub2/grub.cfg) and reboot';

export const kernelChecks: CheckDefinition[] = [
  {
    id: 'kernel-config',
    title: 'Kernel configuration readable',
    group: 'Kernel',
    needs: ['kernelConfig', 'kernelRelease'],
    judge(facts, context) {
      if (facts.kernelConfig.ok) {
        return { status: 'pass', summary: `read ${facts.kernelConfig.value.size} options from ${facts.kernelConfig.source}`, evidence: [facts.kernelConfig.source] };
      }
      return {
        status: 'warn',
        summary: 'the kernel configuration is not readable, so build-time checks fall back to /proc/version or skip',
        evidence: [facts.kernelConfig.reason],
        fix: fix(context, {
          nix: 'boot.kernelPatches = [ { name = "ikconfig"; patch = null; extraStructuredConfig = { IKCONFIG = lib.kernel.yes; IKCONFIG_PROC = lib.kernel.yes; }; } ];',
          other: 'load the configs module (`modprobe configs`) or install the kernel’s /boot/config-$(uname -r)',
          nixos: 'boot.kernelModules = [ "configs" ]; (provides /proc/config.gz when built as a module)',
        }),
      };
    },
  },
  {
    id: 'preempt-rt',
    title: 'Real-time (PREEMPT_RT) kernel',
    group: 'Kernel',
    needs: ['kernelConfig', 'kernelVersion', 'realtimeFlag', 'cmdline', 'kernelRelease'],
    judge(facts, context) {
      const { model, evidence } = preemptionModel(facts);
      const release = maybe(facts.kernelRelease) ?? 'this kernel';
      const wantRt = context.profile.kernel.mode === 'rt';
      const theFix = fix(context, {
        nix: wantRt ? 'archibald.audio.kernel.mode = "rt";' : 'archibald.audio.kernel.mode = "lowlatency";',
        other: wantRt
          ? 'install a PREEMPT_RT kernel (Debian: linux-image-rt-amd64; Fedora: kernel-rt; Arch: linux-rt; Ubuntu: the Pro real-time kernel) and boot it'
          : `boot with preempt=full: ${GRUB}`,
        nixos: wantRt ? 'musnix.kernel.realtime = true; (with musnix.kernel.packages set to a kernel ≥ 6.12)' : 'boot.kernelParams = [ "preempt=full" ];',
      });
      if (model === 'rt') return { status: 'pass', summary: `${release} is a PREEMPT_RT kernel`, evidence };
      if (model === 'unknown') return { status: 'skip', summary: 'cannot tell the preemption model without the kernel configuration', evidence };
      if (model === 'full' || model === 'lazy') {
        return wantRt
          ? { status: 'warn', summary: `${release} runs ${model} preemption, which is not PREEMPT_RT (the profile asks for an RT kernel)`, evidence, fix: theFix }
          : { status: 'pass', summary: `${release} runs ${model} preemption (the profile asks for a low-latency kernel)`, evidence };
      }
      return { status: wantRt ? 'fail' : 'warn', summary: `${release} runs ${model === 'none' ? 'no' : 'voluntary'} preemption: long kernel sections delay audio threads`, evidence, fix: theFix };
    },
  },
  {
    id: 'high-res-timers',
    title: 'High-resolution timers',
    group: 'Kernel',
    needs: ['kernelConfig'],
    judge(facts, context) {
      const config = need(facts.kernelConfig);
      const value = config.get('CONFIG_HIGH_RES_TIMERS') ?? 'absent';
      const evidence = [`${kernelConfigSource(facts)}: CONFIG_HIGH_RES_TIMERS=${value}`];
      if (value === 'y') return { status: 'pass', summary: 'high-resolution timers are built in', evidence };
      return {
        status: 'fail',
        summary: 'the kernel lacks high-resolution timers: timers fire only on the scheduler tick',
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.mode = "rt"; (its kernels build CONFIG_HIGH_RES_TIMERS) or boot.kernelPatches = [ { name = "hrtimers"; patch = null; extraStructuredConfig.HIGH_RES_TIMERS = lib.kernel.yes; } ];',
          other: 'use your distribution’s standard or real-time kernel (all enable CONFIG_HIGH_RES_TIMERS), or rebuild with it',
          nixos: 'boot.kernelPatches = [ { name = "hrtimers"; patch = null; extraStructuredConfig.HIGH_RES_TIMERS = lib.kernel.yes; } ];',
        }),
      };
    },
  },
  {
    id: 'tickless',
    title: 'Tickless kernel (NO_HZ)',
    group: 'Kernel',
    needs: ['kernelConfig', 'cmdline'],
    judge(facts, context) {
      const config = need(facts.kernelConfig);
      const nohz = cmdlineValue(maybe(facts.cmdline) ?? [], 'nohz');
      const mode = configEnabled(config, 'CONFIG_NO_HZ_FULL') ? 'NO_HZ_FULL' : configEnabled(config, 'CONFIG_NO_HZ_IDLE') || configEnabled(config, 'CONFIG_NO_HZ') ? 'NO_HZ_IDLE' : 'periodic';
      const evidence = [`${kernelConfigSource(facts)}: ${mode === 'periodic' ? 'CONFIG_HZ_PERIODIC (no NO_HZ option)' : `CONFIG_${mode}=y`}`];
      const theFix = fix(context, {
        nix: mode === 'periodic' ? 'boot.kernelPatches = [ { name = "nohz"; patch = null; extraStructuredConfig.NO_HZ_IDLE = lib.kernel.yes; } ];' : 'boot.kernelParams: remove "nohz=off"',
        other: mode === 'periodic' ? 'use a kernel built with CONFIG_NO_HZ_IDLE (every major distribution’s is)' : `remove nohz=off from the kernel command line: ${GRUB}`,
        nixos: mode === 'periodic' ? 'boot.kernelPackages = pkgs.linuxPackages; (built with NO_HZ_IDLE)' : 'boot.kernelParams: remove "nohz=off"',
      });
      if (mode === 'periodic') return { status: 'warn', summary: 'periodic tick: every CPU is woken HZ times a second even when idle', evidence, fix: theFix };
      if (nohz === 'off') return { status: 'warn', summary: 'nohz=off on the command line turns the tickless mode off', evidence: [...evidence, '/proc/cmdline: nohz=off'], fix: theFix };
      return { status: 'pass', summary: `tickless (${mode})`, evidence };
    },
  },
  {
    id: 'timer-frequency',
    title: 'Timer frequency (CONFIG_HZ)',
    group: 'Kernel',
    needs: ['kernelConfig'],
    judge(facts, context) {
      const config = need(facts.kernelConfig);
      const hz = Number(config.get('CONFIG_HZ'));
      if (!Number.isInteger(hz) || hz <= 0) return { status: 'skip', summary: 'CONFIG_HZ is not in the kernel configuration', evidence: [kernelConfigSource(facts)] };
      const evidence = [`${kernelConfigSource(facts)}: CONFIG_HZ=${hz}`];
      if (hz >= 1000) return { status: 'pass', summary: `${hz} Hz tick: 1 ms scheduler granularity`, evidence };
      return {
        status: 'warn',
        summary: `${hz} Hz tick: non-real-time audio work (GUI, disk, plugins’ helper threads) is scheduled in ${(1000 / hz).toFixed(0)} ms steps`,
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.mode = "lowlatency"; or boot.kernelPatches = [ { name = "hz1000"; patch = null; extraStructuredConfig = { HZ_1000 = lib.kernel.yes; HZ = lib.kernel.freeform "1000"; }; } ];',
          other: 'install a low-latency or real-time kernel flavour (Ubuntu: linux-lowlatency; Debian: linux-image-rt-amd64), which are built with CONFIG_HZ_1000',
          nixos: 'boot.kernelPatches = [ { name = "hz1000"; patch = null; extraStructuredConfig = { HZ_1000 = lib.kernel.yes; HZ = lib.kernel.freeform "1000"; }; } ];',
        }),
      };
    },
  },
  {
    id: 'threadirqs',
    title: 'Threaded interrupt handlers',
    group: 'Kernel',
    needs: ['cmdline', 'kernelConfig', 'kernelVersion', 'realtimeFlag'],
    judge(facts, context) {
      const cmdline = need(facts.cmdline);
      if (preemptionModel(facts).model === 'rt') return { status: 'pass', summary: 'PREEMPT_RT threads every interrupt handler', evidence: preemptionModel(facts).evidence };
      if (hasFlag(cmdline, 'threadirqs')) return { status: 'pass', summary: 'threadirqs is on the kernel command line', evidence: ['/proc/cmdline: threadirqs'] };
      const config = maybe(facts.kernelConfig);
      const evidence = ['/proc/cmdline has no threadirqs'];
      if (config !== undefined && !configEnabled(config, 'CONFIG_IRQ_FORCED_THREADING')) evidence.push(`${kernelConfigSource(facts)}: CONFIG_IRQ_FORCED_THREADING is not set, so threadirqs would be ignored`);
      return {
        status: context.profile.kernel.threadirqs ? 'fail' : 'warn',
        summary: 'interrupt handlers run in hard-IRQ context, so rtirq cannot rank the sound card’s above the others',
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.threadirqs = true;',
          other: `add threadirqs to the kernel command line: ${GRUB}`,
          nixos: 'boot.kernelParams = [ "threadirqs" ];',
        }),
      };
    },
  },
  {
    id: 'mitigations',
    title: 'CPU vulnerability mitigations',
    group: 'Kernel',
    needs: ['cmdline', 'vulnerabilities'],
    judge(facts, context) {
      const cmdline = need(facts.cmdline);
      if (cmdlineValue(cmdline, 'mitigations') === 'off') {
        return { status: 'pass', summary: 'mitigations=off: no mitigation overhead (at the cost of security)', evidence: ['/proc/cmdline: mitigations=off'] };
      }
      const vulnerabilities = need(facts.vulnerabilities);
      const costly = vulnerabilities.filter(isCostlyMitigation);
      const evidence = costly.map((entry) => `${entry.name}: ${entry.status} (${mitigationCost(entry).why})`);
      if (costly.length === 0) {
        return { status: 'pass', summary: 'mitigations are on (the secure default) and none of them is known to be costly on this CPU', evidence: [`${facts.vulnerabilities.ok ? facts.vulnerabilities.source : ''}: ${vulnerabilities.length} entries, no costly mitigation`] };
      }
      return {
        status: 'warn',
        summary: `${costly.length} costly mitigation${costly.length === 1 ? '' : 's'} active; turning them off lowers latency but weakens security`,
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.disableMitigations = true; (only on a machine that runs no untrusted code)',
          other: `add mitigations=off to the kernel command line: ${GRUB}`,
          nixos: 'boot.kernelParams = [ "mitigations=off" ];',
        }),
      };
    },
  },
  {
    id: 'isolated-cpus',
    title: 'Isolated CPUs (isolcpus/nohz_full/rcu_nocbs)',
    group: 'Kernel',
    needs: ['cmdline', 'isolatedCpus', 'onlineCpus'],
    judge(facts, context) {
      const cmdline = need(facts.cmdline);
      const wanted = context.profile.kernel.isolatedCpus;
      const setOf = (key: string): number[] | null => {
        const value = cmdlineValue(cmdline, key);
        if (typeof value !== 'string') return null;
        const cpus = parseCpuSet(value);
        return cpus.ok ? cpus.value : null;
      };
      const sets = { isolcpus: setOf('isolcpus'), nohz_full: setOf('nohz_full'), rcu_nocbs: setOf('rcu_nocbs') };
      const evidence = Object.entries(sets).map(([key, cpus]) => `/proc/cmdline: ${key}=${cpus === null ? '(absent)' : formatCpuSet(cpus)}`);
      const live = maybe(facts.isolatedCpus);
      if (live !== undefined) evidence.push(`/sys/devices/system/cpu/isolated: ${formatCpuSet(live)}`);
      const wantedSet = wanted === null ? [] : (parseCpuSet(wanted).ok ? (parseCpuSet(wanted) as { ok: true; value: number[] }).value : []);
      const key = wantedSet.length === 0 ? '' : formatCpuSet(wantedSet);
      const theFix = fix(context, {
        nix: `archibald.audio.kernel.isolatedCpus = ${wanted === null ? 'null' : JSON.stringify(wanted)}; (sets isolcpus, nohz_full and rcu_nocbs together)`,
        other: wanted === null ? `remove isolcpus=, nohz_full= and rcu_nocbs= from the kernel command line: ${GRUB}` : `put isolcpus=${wanted} nohz_full=${wanted} rcu_nocbs=${wanted} on the kernel command line: ${GRUB}`,
        nixos: wanted === null ? 'boot.kernelParams: remove the isolcpus/nohz_full/rcu_nocbs entries' : `boot.kernelParams = [ "isolcpus=${wanted}" "nohz_full=${wanted}" "rcu_nocbs=${wanted}" ];`,
      });
      const isolated = sets.isolcpus ?? [];
      const online = maybe(facts.onlineCpus);
      if (online !== undefined && isolated.length > 0 && online.every((cpu) => isolated.includes(cpu))) {
        return { status: 'fail', summary: 'every CPU is isolated: nothing is left for the kernel and ordinary work', evidence, fix: theFix };
      }
      if (wantedSet.length > 0 && formatCpuSet(isolated) !== key) {
        return { status: 'fail', summary: `the profile isolates CPUs ${wanted} but the kernel isolates ${formatCpuSet(isolated)}`, evidence, fix: theFix };
      }
      const given = Object.entries(sets).filter(([, cpus]) => cpus !== null) as Array<[string, number[]]>;
      if (given.length === 0) return { status: 'pass', summary: 'no CPUs isolated, as the profile asks', evidence };
      const differing = given.filter(([, cpus]) => formatCpuSet(cpus) !== formatCpuSet(isolated));
      if (given.length < 3 || differing.length > 0) {
        return { status: 'warn', summary: 'isolcpus, nohz_full and rcu_nocbs name different CPUs: an isolated CPU still takes ticks or RCU callbacks', evidence, fix: theFix };
      }
      if (isolated.includes(0)) return { status: 'warn', summary: 'CPU 0 is isolated: it usually keeps the timekeeping and unmovable interrupts', evidence, fix: theFix };
      if (wantedSet.length === 0) return { status: 'warn', summary: `CPUs ${formatCpuSet(isolated)} are isolated, which the profile does not ask for`, evidence, fix: theFix };
      return { status: 'pass', summary: `CPUs ${formatCpuSet(isolated)} isolated consistently (isolcpus, nohz_full, rcu_nocbs)`, evidence };
    },
  },
  {
    id: 'nmi-watchdog',
    title: 'NMI watchdog off',
    group: 'Kernel',
    needs: ['nmiWatchdog', 'cmdline'],
    judge(facts, context) {
      const cmdline = maybe(facts.cmdline) ?? [];
      const fromCmdline = cmdlineValue(cmdline, 'nmi_watchdog');
      if (!facts.nmiWatchdog.ok && fromCmdline === '0') return { status: 'pass', summary: 'nmi_watchdog=0 on the kernel command line', evidence: ['/proc/cmdline: nmi_watchdog=0'] };
      const value = need(facts.nmiWatchdog);
      const evidence = [`/proc/sys/kernel/nmi_watchdog: ${value}`];
      if (value === 0) return { status: 'pass', summary: 'the NMI watchdog is off', evidence };
      return {
        status: 'warn',
        summary: 'the NMI watchdog interrupts every CPU periodically (a perf counter NMI), adding jitter',
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.disableNmiWatchdog = true;',
          other: `kernel.nmi_watchdog = 0 in /etc/sysctl.d/99-audio.conf, or nmi_watchdog=0 on the kernel command line: ${GRUB}`,
          nixos: 'boot.kernelParams = [ "nmi_watchdog=0" ];',
        }),
      };
    },
  },
  {
    id: 'rt-throttling',
    title: 'Real-time throttling',
    group: 'Kernel',
    needs: ['rtRuntime', 'rtPeriod'],
    judge(facts, context) {
      const runtime = need(facts.rtRuntime);
      const period = maybe(facts.rtPeriod) ?? 1_000_000;
      const evidence = [`/proc/sys/kernel/sched_rt_runtime_us: ${runtime}`, `/proc/sys/kernel/sched_rt_period_us: ${period}`];
      if (runtime < 0) return { status: 'pass', summary: 'no real-time throttling (sched_rt_runtime_us = -1); das_watchdog should guard against runaway threads', evidence };
      const share = period > 0 ? runtime / period : 0;
      if (share >= 0.95) return { status: 'pass', summary: `real-time threads may use ${(share * 100).toFixed(0)}% of each period; the rest is a safety net against runaway threads`, evidence };
      const theFix = fix(context, {
        nix: 'boot.kernel.sysctl."kernel.sched_rt_runtime_us" = 950000;',
        other: 'kernel.sched_rt_runtime_us = 950000 in /etc/sysctl.d/99-audio.conf, then sysctl --system',
        nixos: 'boot.kernel.sysctl."kernel.sched_rt_runtime_us" = 950000;',
      });
      if (runtime === 0) return { status: 'fail', summary: 'sched_rt_runtime_us is 0: real-time threads get no CPU time at all', evidence, fix: theFix };
      return { status: 'warn', summary: `real-time threads are throttled after ${(share * 100).toFixed(0)}% of each period, so a busy audio thread can be stalled`, evidence, fix: theFix };
    },
  },
];

