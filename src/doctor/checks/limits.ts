/** Limits & permissions: what the audio user may do, judged for that user, not for whoever runs us. */
import type { CheckDefinition, Context, Facts, UserFacts } from '../types.js';
import { effectiveLimit } from '../parse/etc.js';
import { CAP_SYS_NICE, hasCapability, type LimitValue } from '../parse/proc.js';
import { deviceAccess, timerAccessFix } from './cpu.js';
import { fix, maybe, need } from './judge.js';

const show = (value: LimitValue | null): string => (value === null ? 'not set (kernel default)' : String(value));
const atLeast = (value: LimitValue | null, wanted: LimitValue): boolean =>
  value === 'unlimited' || (value !== null && wanted !== 'unlimited' && value >= wanted);

export function limitsFix(context: Context, user: string) {
  const { rtprio, memlock } = context.profile.limits;
  return fix(context, {
    nix: `archibald.audio.limits.rtprio = ${rtprio}; archibald.audio.limits.memlock = ${JSON.stringify(memlock)}; (granted to @audio; ${user} must be in audio)`,
    other: `create /etc/security/limits.d/95-audio.conf with "@audio - rtprio ${rtprio}" and "@audio - memlock ${memlock}", add ${user} to audio (usermod -aG audio ${user}) and log in again`,
    nixos: `security.pam.loginLimits = [ { domain = "@audio"; type = "-"; item = "rtprio"; value = "${rtprio}"; } { domain = "@audio"; type = "-"; item = "memlock"; value = "${memlock}"; } ];`,
  });
}

interface LimitView {
  rtprio: LimitValue | null;
  memlockKiB: LimitValue | null;
  evidence: string[];
  live: boolean;
}

/** The user's limits: the live session's when the doctor runs as that user, else what PAM would grant at login. */
export function userLimits(facts: Facts, user: UserFacts): LimitView {
  const evidence: string[] = [];
  const configured = maybe(facts.limitsConf);
  const conf = configured === undefined ? null : { rtprio: effectiveLimit(configured, user.name, user.groups, 'rtprio'), memlock: effectiveLimit(configured, user.name, user.groups, 'memlock') };
  if (conf !== null) {
    evidence.push(`configured for ${user.name} (groups ${user.groups.join(',') || 'none'}): rtprio ${show(conf.rtprio.soft)}, memlock ${show(conf.memlock.soft)}${conf.memlock.soft !== null && conf.memlock.soft !== 'unlimited' ? ' KiB' : ''}`);
    evidence.push(...conf.rtprio.from, ...conf.memlock.from.filter((line) => !conf.rtprio.from.includes(line)));
  } else if (!facts.limitsConf.ok) evidence.push(facts.limitsConf.reason);
  const self = user.isSelf ? maybe(facts.selfLimits) : undefined;
  if (self !== undefined) {
    const rt = self.get('Max realtime priority');
    const lock = self.get('Max locked memory');
    if (rt !== undefined && lock !== undefined) {
      const kib: LimitValue = lock.soft === 'unlimited' ? 'unlimited' : Math.floor(lock.soft / 1024);
      evidence.unshift(`this session (/proc/self/limits): rtprio ${show(rt.soft)} (hard ${show(rt.hard)}), memlock ${show(kib)}${kib === 'unlimited' ? '' : ' KiB'}`);
      return { rtprio: rt.soft, memlockKiB: kib, evidence, live: true };
    }
  }
  return { rtprio: conf?.rtprio.soft ?? null, memlockKiB: conf?.memlock.soft ?? null, evidence, live: false };
}

export const limitsChecks: CheckDefinition[] = [
  {
    id: 'root-user',
    title: 'Not running as root',
    group: 'Limits & permissions',
    needs: ['process'],
    judge(facts, context) {
      const process = need(facts.process);
      if (process.uid !== 0) return { status: 'pass', summary: `running as uid ${process.uid}`, evidence: [`uid ${process.uid}`] };
      return {
        status: 'warn',
        summary:
          process.sudoUser === null
            ? 'running as root: session checks (rt-priority, live limits) describe root, which bypasses every limit'
            : `running through sudo: configuration is judged for ${process.sudoUser}, but session checks describe root`,
        evidence: ['uid 0', ...(process.sudoUser === null ? [] : [`SUDO_USER=${process.sudoUser}`])],
        fix: fix(context, {
          nix: 'nothing to configure: log in as your audio user (archibald.users.name) and run archibald doctor without sudo',
          other: 'run archibald doctor as your normal user, without sudo',
          nixos: 'run archibald doctor as your normal user, without sudo',
        }),
      };
    },
  },
  {
    id: 'rt-limits',
    title: 'Real-time limits (rtprio, memlock)',
    group: 'Limits & permissions',
    needs: ['user', 'limitsConf', 'selfLimits'],
    judge(facts, context) {
      const user = need(facts.user);
      const view = userLimits(facts, user);
      if (user.uid === 0) return { status: 'pass', summary: 'root: CAP_SYS_NICE and CAP_IPC_LOCK override rtprio and memlock limits', evidence: view.evidence };
      const { rtprio, memlock } = context.profile.limits;
      const where = view.live ? 'this session has' : `${user.name} gets at login`;
      const problems: string[] = [];
      let status: 'pass' | 'warn' | 'fail' = 'pass';
      if (view.rtprio === null || view.rtprio === 0) {
        status = 'fail';
        problems.push(`${where} no real-time priority (rtprio ${show(view.rtprio)})`);
      } else if (!atLeast(view.rtprio, rtprio)) {
        status = 'warn';
        problems.push(`${where} rtprio ${view.rtprio}, below the profile’s ${rtprio}`);
      }
      if (!atLeast(view.memlockKiB, memlock)) {
        if (status === 'pass') status = 'warn';
        problems.push(`${where} memlock ${show(view.memlockKiB)}${typeof view.memlockKiB === 'number' ? ' KiB' : ''}, below the profile’s ${memlock}${typeof memlock === 'number' ? ' KiB' : ''}`);
      }
      if (!view.live && facts.limitsConf.ok === false) return { status: 'skip', summary: 'no limits configuration to read', evidence: view.evidence };
      if (status === 'pass') return { status: 'pass', summary: `${where} rtprio ${view.rtprio} and memlock ${show(view.memlockKiB)}${typeof view.memlockKiB === 'number' ? ' KiB' : ''}`, evidence: view.evidence };
      return { status, summary: problems.join('; '), evidence: view.evidence, fix: limitsFix(context, user.name) };
    },
  },
  {
    id: 'rt-priority',
    title: 'SCHED_FIFO available to the user',
    group: 'Limits & permissions',
    // Judged from what the kernel checks (RLIMIT_RTPRIO, CAP_SYS_NICE, the cgroup's RT budget)
    // rather than by switching the doctor itself to SCHED_FIFO as rtcqs does.
    needs: ['user', 'selfLimits', 'selfStatus', 'limitsConf', 'rtCgroupRuntime', 'rtRuntime'],
    judge(facts, context) {
      const user = need(facts.user);
      const theFix = limitsFix(context, user.name);
      const evidence: string[] = [];
      const budget = user.isSelf ? maybe(facts.rtCgroupRuntime) : undefined;
      if (budget !== undefined) evidence.push(`${facts.rtCgroupRuntime.ok ? facts.rtCgroupRuntime.source : 'cgroup'}: ${budget}`);
      if (budget === 0) {
        return {
          status: 'fail',
          summary: 'this session’s cgroup has no real-time budget (cpu.rt_runtime_us = 0): SCHED_FIFO is refused even to root',
          evidence,
          fix: fix(context, {
            nix: 'boot.kernelPatches = [ { name = "no-rt-group"; patch = null; extraStructuredConfig.RT_GROUP_SCHED = lib.kernel.no; } ]; (or give the session’s cgroup a cpu.rt_runtime_us budget)',
            other: 'give the session’s cgroup an RT budget (cpu.rt_runtime_us), or use a kernel without CONFIG_RT_GROUP_SCHED',
            nixos: 'boot.kernelPatches = [ { name = "no-rt-group"; patch = null; extraStructuredConfig.RT_GROUP_SCHED = lib.kernel.no; } ];',
          }),
        };
      }
      if (maybe(facts.rtRuntime) === 0) return { status: 'fail', summary: 'kernel.sched_rt_runtime_us is 0: no real-time thread may run', evidence: ['/proc/sys/kernel/sched_rt_runtime_us: 0'], fix: theFix };
      if (user.uid === 0) return { status: 'pass', summary: 'root may always use SCHED_FIFO', evidence: [...evidence, `${user.name} is root`] };
      if (user.isSelf) {
        const status = maybe(facts.selfStatus);
        if (status !== undefined && hasCapability(status.capEff, CAP_SYS_NICE)) return { status: 'pass', summary: 'this process holds CAP_SYS_NICE', evidence: [...evidence, '/proc/self/status: CAP_SYS_NICE in CapEff'] };
      }
      const view = userLimits(facts, user);
      evidence.push(...view.evidence);
      if (!view.live && !facts.limitsConf.ok) return { status: 'skip', summary: 'no limits to judge from', evidence };
      const granted = view.rtprio === 'unlimited' || (view.rtprio !== null && view.rtprio > 0);
      return granted
        ? { status: 'pass', summary: `${user.name} may use SCHED_FIFO up to priority ${show(view.rtprio)} (${view.live ? 'this session’s limits' : 'the configured limits, from the next login'})`, evidence }
        : { status: 'fail', summary: `${user.name} may not use SCHED_FIFO (RLIMIT_RTPRIO ${show(view.rtprio)}); only rtkit could still raise PipeWire’s threads`, evidence, fix: theFix };
    },
  },
  {
    id: 'audio-group',
    title: 'User in the audio group',
    group: 'Limits & permissions',
    needs: ['user', 'selfStatus'],
    judge(facts, context) {
      const user = need(facts.user);
      const evidence = [`user ${user.name} (${user.chosenBy}): groups ${user.groups.join(', ') || 'none'}`];
      const theFix = fix(context, {
        nix: `users.users.${user.name}.extraGroups = [ "audio" ]; (archibald.users.enable = true does this for archibald.users.name)`,
        other: `usermod -aG audio ${user.name}, then log out and in again`,
        nixos: `users.users.${user.name}.extraGroups = [ "audio" ];`,
      });
      if (user.audioGid === null) return { status: 'fail', summary: 'there is no audio group on this system', evidence, fix: theFix };
      if (!user.groups.includes('audio')) {
        return { status: user.uid === 0 ? 'warn' : 'fail', summary: `${user.name} is not in the audio group, which carries the real-time limits${user.uid === 0 ? ' (judging root: pass --user NAME for your audio user)' : ''}`, evidence, fix: theFix };
      }
      const session = user.isSelf ? maybe(facts.selfStatus) : undefined;
      if (session !== undefined && !session.groups.includes(user.audioGid)) {
        return { status: 'warn', summary: `${user.name} was added to audio after this session began: log out and in again`, evidence: [...evidence, `this session’s groups: ${session.groups.join(' ') || 'none'}`], fix: theFix };
      }
      return { status: 'pass', summary: `${user.name} is in the audio group`, evidence };
    },
  },
  {
    id: 'hpet-rtc-access',
    title: 'Timer devices (/dev/rtc0, /dev/hpet) for the audio group',
    group: 'Limits & permissions',
    needs: ['user', 'deviceNodes', 'udevRules', 'rtcMaxUserFreq'],
    judge(facts, context) {
      const user = need(facts.user);
      const rtc = deviceAccess(facts, user, ['/dev/rtc0', '/dev/rtc'], 'read');
      const hpet = deviceAccess(facts, user, ['/dev/hpet'], 'read');
      const freq = maybe(facts.rtcMaxUserFreq);
      const evidence = [...rtc.evidence, ...hpet.evidence, ...(freq === undefined ? [] : [`/sys/class/rtc/rtc0/max_user_freq: ${freq}`])];
      if (rtc.verdict === 'unknown' && hpet.verdict === 'unknown') return { status: 'skip', summary: 'cannot tell who may open the timer devices', evidence };
      if (rtc.verdict === 'absent' && hpet.verdict === 'absent') return { status: 'skip', summary: 'this machine has neither /dev/rtc0 nor /dev/hpet', evidence };
      if (rtc.verdict === 'yes' || hpet.verdict === 'yes') {
        const which = [rtc.verdict === 'yes' ? 'the RTC' : '', hpet.verdict === 'yes' ? 'the HPET' : ''].filter(Boolean).join(' and ');
        return { status: 'pass', summary: `${user.name} can open ${which} (MIDI sequencers use them as timers)`, evidence };
      }
      return {
        status: 'warn',
        summary: `${user.name} cannot open /dev/rtc0 or /dev/hpet: MIDI timing falls back to coarser timers`,
        evidence,
        fix: timerAccessFix(context, 'KERNEL=="rtc0", GROUP="audio", MODE="0660" and KERNEL=="hpet", GROUP="audio", MODE="0660"'),
      };
    },
  },
];
