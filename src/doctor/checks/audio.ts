/** Audio stack: the profile, the sound server and its clock, helper daemons, USB audio. */
import type { CheckDefinition, Facts } from '../types.js';
import type { ProcStat } from '../parse/proc.js';
import { fix, maybe, need } from './judge.js';
import { pipewireClock } from '../../pipewire/dump.js';

const running = (processes: readonly ProcStat[], ...names: string[]): ProcStat | undefined => processes.find((process) => names.includes(process.comm));

/** "1024/48000" → frames at `rate`. */
export function latencyFrames(latency: string, rate: number): number | null {
  const match = /^(\d+)\/(\d+)$/.exec(latency.trim());
  if (match === null || Number(match[2]) === 0) return null;
  return Math.round((Number(match[1]) * rate) / Number(match[2]));
}

const profileSource = (facts: Facts): string => (facts.profile.ok ? facts.profile.source : 'the bundled default profile');

export const audioChecks: CheckDefinition[] = [
  {
    id: 'profile',
    title: 'Audio profile readable',
    group: 'Audio stack',
    needs: ['profile'],
    judge(facts, context) {
      if (facts.profile.ok) {
        const { rate, quantum } = facts.profile.value.pipewire;
        return { status: 'pass', summary: `comparing against ${facts.profile.source} (${rate} Hz, quantum ${quantum})`, evidence: [facts.profile.source] };
      }
      return {
        status: 'warn',
        summary: 'the active profile is unreadable; checks compare against the bundled default instead',
        evidence: [facts.profile.reason],
        fix: fix(context, {
          nix: 'archibald.audio.profile = ./profile.json; (a file that passes `archibald profile validate`)',
          other: 'repair the profile (`archibald profile validate FILE` names the field) or remove it to use the default',
          nixos: 'archibald.audio.profile = ./profile.json; (a file that passes `archibald profile validate`)',
        }),
      };
    },
  },
  {
    id: 'pipewire-running',
    title: 'Audio server running',
    group: 'Audio stack',
    needs: ['processes'],
    judge(facts, context) {
      const processes = need(facts.processes);
      const pipewire = running(processes, 'pipewire');
      const session = running(processes, 'wireplumber', 'pipewire-media-session', 'pipewire-media-');
      const jack = running(processes, 'jackd', 'jackdbus');
      const theFix = fix(context, {
        nix: 'archibald.audio.enable = true; (PipeWire with WirePlumber and the JACK bridge)',
        other: 'systemctl --user enable --now pipewire pipewire-pulse wireplumber',
        nixos: 'services.pipewire.enable = true; services.pipewire.wireplumber.enable = true;',
      });
      if (pipewire !== undefined && session !== undefined) return { status: 'pass', summary: `PipeWire (pid ${pipewire.pid}) with ${session.comm} (pid ${session.pid})`, evidence: [`pipewire pid ${pipewire.pid}`, `${session.comm} pid ${session.pid}`] };
      if (pipewire !== undefined) return { status: 'warn', summary: 'PipeWire runs without a session manager: no devices get linked', evidence: [`pipewire pid ${pipewire.pid}`, 'no wireplumber'], fix: theFix };
      if (jack !== undefined) return { status: 'pass', summary: `JACK (${jack.comm}, pid ${jack.pid}) is the audio server`, evidence: [`${jack.comm} pid ${jack.pid}`] };
      return { status: 'warn', summary: 'neither PipeWire nor JACK is running', evidence: [facts.processes.ok ? facts.processes.source : ''], fix: theFix };
    },
  },
  {
    id: 'pipewire-clock',
    title: 'PipeWire clock matches the profile',
    group: 'Audio stack',
    needs: ['pipewireSettings', 'pipewireNodes', 'profile'],
    judge(facts, context) {
      const settings = need(facts.pipewireSettings);
      const clock = pipewireClock(settings);
      const wanted = context.profile.pipewire;
      const evidence = [
        `pw-metadata -n settings: ${['clock.rate', 'clock.quantum', 'clock.min-quantum', 'clock.max-quantum', 'clock.force-rate', 'clock.force-quantum'].map((key) => `${key}=${settings[key] ?? '?'}`).join(' ')}`,
        `profile (${profileSource(facts)}): rate ${wanted.rate}, quantum ${wanted.quantum}, min ${wanted.minQuantum}, max ${wanted.maxQuantum}`,
      ];
      const problems: string[] = [];
      if (clock.rate !== wanted.rate) problems.push(`PipeWire runs at ${clock.rate ?? '?'} Hz, the profile says ${wanted.rate}`);
      if (clock.quantum !== wanted.quantum) {
        problems.push(`the profile says quantum ${wanted.quantum}, PipeWire runs ${clock.quantum ?? '?'}${clock.minQuantum === wanted.quantum ? ' (only min-quantum was set: default.clock.quantum is still the default)' : ''}`);
      }
      if (clock.minQuantum !== null && clock.minQuantum > wanted.quantum) problems.push(`clock.min-quantum ${clock.minQuantum} keeps the graph above the profile’s quantum ${wanted.quantum}`);
      const nodes = maybe(facts.pipewireNodes) ?? [];
      const rate = clock.rate ?? wanted.rate;
      const larger = nodes.filter((node) => node.latency !== null && (latencyFrames(node.latency, rate) ?? 0) > wanted.quantum);
      if (larger.length > 0) evidence.push(...larger.slice(0, 5).map((node) => `node ${node.name} asks for ${node.latency} (larger than ${wanted.quantum})`));
      if (problems.length === 0 && larger.length === 0) return { status: 'pass', summary: `PipeWire runs ${clock.rate} Hz, quantum ${clock.quantum}, as the profile says`, evidence };
      const theFix = fix(context, {
        nix: `archibald.audio.pipewire.rate = ${wanted.rate}; archibald.audio.pipewire.quantum = ${wanted.quantum}; archibald.audio.pipewire.minQuantum = ${wanted.minQuantum}; (sets default.clock.quantum, not only min-quantum)`,
        other: `~/.config/pipewire/pipewire.conf.d/92-low-latency.conf: context.properties = { default.clock.rate = ${wanted.rate} default.clock.quantum = ${wanted.quantum} default.clock.min-quantum = ${wanted.minQuantum} }, then systemctl --user restart pipewire`,
        nixos: `services.pipewire.extraConfig.pipewire."92-low-latency"."context.properties" = { "default.clock.rate" = ${wanted.rate}; "default.clock.quantum" = ${wanted.quantum}; "default.clock.min-quantum" = ${wanted.minQuantum}; };`,
      });
      if (problems.length === 0) return { status: 'warn', summary: `${larger.length} client${larger.length === 1 ? ' asks' : 's ask'} for a larger quantum than ${wanted.quantum}, so the graph runs slower while ${larger.length === 1 ? 'it is' : 'they are'} active`, evidence, fix: theFix };
      return { status: 'fail', summary: problems.join('; '), evidence, fix: theFix };
    },
  },
  {
    id: 'rtkit',
    title: 'RealtimeKit daemon',
    group: 'Audio stack',
    needs: ['processes'],
    judge(facts, context) {
      const daemon = running(need(facts.processes), 'rtkit-daemon');
      if (daemon !== undefined) return { status: 'pass', summary: `rtkit-daemon is running (pid ${daemon.pid})`, evidence: [`rtkit-daemon pid ${daemon.pid}`] };
      return {
        status: 'warn',
        summary: 'rtkit-daemon is not running: PipeWire and desktop clients without rtprio limits cannot get real-time threads',
        evidence: ['no rtkit-daemon in /proc/*/stat'],
        fix: fix(context, {
          nix: 'archibald.audio.rtkit.enable = true;',
          other: 'install rtkit (package rtkit) and start it: systemctl enable --now rtkit-daemon',
          nixos: 'security.rtkit.enable = true;',
        }),
      };
    },
  },
  {
    id: 'das-watchdog',
    title: 'Runaway real-time thread watchdog',
    group: 'Audio stack',
    needs: ['processes', 'rtRuntime'],
    judge(facts, context) {
      const daemon = running(need(facts.processes), 'das_watchdog');
      if (daemon !== undefined) return { status: 'pass', summary: `das_watchdog is running (pid ${daemon.pid})`, evidence: [`das_watchdog pid ${daemon.pid}`] };
      const runtime = maybe(facts.rtRuntime);
      if (runtime !== undefined && runtime >= 0) {
        return { status: 'pass', summary: 'no das_watchdog, but kernel RT throttling still leaves CPU time to recover from a runaway real-time thread', evidence: [`/proc/sys/kernel/sched_rt_runtime_us: ${runtime}`] };
      }
      return {
        status: 'warn',
        summary: runtime === undefined ? 'no das_watchdog, and RT throttling is unknown: a runaway SCHED_FIFO thread may freeze the machine' : 'no das_watchdog and no RT throttling: a runaway SCHED_FIFO thread can freeze the machine',
        evidence: ['no das_watchdog in /proc/*/stat', runtime === undefined ? 'RT throttling unknown' : `sched_rt_runtime_us: ${runtime}`],
        fix: fix(context, {
          nix: 'archibald.audio.dasWatchdog.enable = true;',
          other: 'install das_watchdog and enable its service, or keep kernel.sched_rt_runtime_us at 950000',
          nixos: 'musnix.das_watchdog.enable = true;',
        }),
      };
    },
  },
  {
    id: 'usb-audio-lowlatency',
    title: 'snd-usb-audio low-latency mode',
    group: 'Audio stack',
    needs: ['usbAudioLowlatency', 'modprobeOptions'],
    judge(facts, context) {
      const options = (maybe(facts.modprobeOptions) ?? []).filter((option) => option.module === 'snd_usb_audio');
      // nrpacks went away around Linux 3.16 and low_latency never existed; the kernel ignores both.
      const obsolete = options.filter((option) => option.key === 'nrpacks' || option.key === 'low_latency');
      const evidence = options.map((option) => `${option.source}: options snd_usb_audio ${option.key}=${option.value}`);
      const theFix = fix(context, {
        nix: 'archibald.audio.usbAudio.lowlatency = true; (writes "options snd_usb_audio lowlatency=1")',
        other: 'put "options snd_usb_audio lowlatency=1" in /etc/modprobe.d/audio.conf and drop nrpacks=/low_latency=, which current kernels ignore',
        nixos: 'boot.extraModprobeConfig = "options snd_usb_audio lowlatency=1";',
      });
      if (obsolete.length > 0) {
        return { status: 'warn', summary: `${obsolete.map((option) => option.key).join(', ')} ${obsolete.length === 1 ? 'is' : 'are'} not a parameter of snd-usb-audio in 6.x kernels and do nothing`, evidence, fix: theFix };
      }
      if (!facts.usbAudioLowlatency.ok) return { status: 'skip', summary: 'snd-usb-audio is not loaded (no USB audio device)', evidence: [...evidence, facts.usbAudioLowlatency.reason] };
      const value = facts.usbAudioLowlatency.value;
      evidence.unshift(`/sys/module/snd_usb_audio/parameters/lowlatency: ${value}`);
      if (value === 'Y' || value === '1') return { status: 'pass', summary: 'snd-usb-audio runs in low-latency mode', evidence };
      if (!context.profile.usbAudio.lowlatency) return { status: 'pass', summary: 'low-latency mode is off, as the profile asks', evidence };
      return { status: 'fail', summary: 'snd-usb-audio low-latency mode is off: USB audio adds a period of buffering', evidence, fix: theFix };
    },
  },
  {
    id: 'usb-autosuspend',
    title: 'USB autosuspend off for audio',
    group: 'Audio stack',
    needs: ['usbAutosuspend', 'usbAudioDevices'],
    judge(facts, context) {
      const global = need(facts.usbAutosuspend);
      const devices = maybe(facts.usbAudioDevices) ?? [];
      const evidence = [`/sys/module/usbcore/parameters/autosuspend: ${global}`, ...devices.map((device) => `USB audio device ${device.device}: power/control ${device.control}`)];
      if (context.profile.usbAudio.autosuspend) return { status: 'pass', summary: 'the profile allows USB autosuspend', evidence };
      const suspending = devices.filter((device) => device.control === 'auto');
      const theFix = fix(context, {
        nix: 'archibald.audio.usbAudio.autosuspend = false;',
        other: 'add usbcore.autosuspend=-1 to the kernel command line (or a udev rule setting power/control to "on" for audio interfaces)',
        nixos: 'boot.kernelParams = [ "usbcore.autosuspend=-1" ];',
      });
      if (suspending.length > 0) return { status: 'warn', summary: `${suspending.length} USB audio device${suspending.length === 1 ? '' : 's'} may autosuspend, which drops out or clicks after idle`, evidence, fix: theFix };
      if (global < 0) return { status: 'pass', summary: 'USB autosuspend is off', evidence };
      if (devices.length > 0) return { status: 'pass', summary: 'autosuspend is on globally but every USB audio device is kept on', evidence };
      return { status: 'warn', summary: `USB devices autosuspend after ${global} s idle; an audio interface plugged in later will too`, evidence, fix: theFix };
    },
  },
];
