/** IRQs: the sound card's and USB controllers' interrupts, their threads and who moves them. */
import type { CheckDefinition } from '../types.js';
import type { IrqLine } from '../parse/interrupts.js';
import { isRealtimePolicy, policyName, type ProcStat } from '../parse/proc.js';
import { fix, maybe, need } from './judge.js';

export const isSoundDevice = (device: string): boolean => /^snd[_-]|audiodsp|^sof-audio|^avs[_-]/i.test(device);
export const isUsbHost = (device: string): boolean => /^[xeou]hci[_-]hcd|^dwc[23]|^xhci/i.test(device);

/** rtirq's name matching: "usb" means the host controllers, "snd" any ALSA driver, anything else a substring. */
export function matchesRtirqName(name: string, device: string): boolean {
  const wanted = name.toLowerCase();
  if (wanted === 'usb') return isUsbHost(device) || device.toLowerCase().includes('usb');
  if (wanted === 'snd') return isSoundDevice(device);
  return device.toLowerCase().includes(wanted);
}

export interface IrqThread {
  irq: number;
  pid: number;
  name: string;
  policy: number;
  priority: number;
}

/** IRQ threads are kernel threads named "irq/<n>-<handler>" (comm is cut at 15 characters). */
export function irqThreads(processes: readonly ProcStat[], lines: readonly IrqLine[] | undefined): IrqThread[] {
  const byIrq = new Map(lines?.map((line) => [line.irq, line.devices.join(',')]) ?? []);
  const threads: IrqThread[] = [];
  for (const process of processes) {
    const match = /^irq\/(\d+)-(.*)$/.exec(process.comm);
    if (match === null) continue;
    const irq = Number(match[1]);
    threads.push({ irq, pid: process.pid, name: byIrq.get(irq) ?? (match[2] as string), policy: process.policy, priority: process.rtPriority });
  }
  return threads.sort((a, b) => a.irq - b.irq);
}

const describe = (thread: IrqThread): string => `irq/${thread.irq} ${thread.name} (pid ${thread.pid}): ${policyName(thread.policy)} ${thread.priority}`;

export const irqChecks: CheckDefinition[] = [
  {
    id: 'irq-sharing',
    title: 'Sound and USB interrupts not shared',
    group: 'IRQs',
    needs: ['interrupts'],
    judge(facts, context) {
      const lines = need(facts.interrupts);
      const relevant = lines.filter((line) => line.devices.some((device) => isSoundDevice(device) || isUsbHost(device)));
      if (relevant.length === 0) return { status: 'skip', summary: 'no sound card or USB host controller interrupt in /proc/interrupts', evidence: [`${lines.length} interrupt lines, none for snd_* or *hci_hcd`] };
      const shared = relevant.filter((line) => line.devices.length > 1);
      const evidence = relevant.map((line) => `IRQ ${line.irq} (${line.controller}): ${line.devices.join(', ')}`);
      if (shared.length === 0) return { status: 'pass', summary: `${relevant.length} sound/USB interrupt line${relevant.length === 1 ? '' : 's'}, none shared`, evidence };
      return {
        status: 'warn',
        summary: `${shared.length} sound/USB interrupt line${shared.length === 1 ? ' is' : 's are'} shared with other devices, whose handlers then run in the audio path`,
        evidence,
        fix: fix(context, {
          nix: 'boot.extraModprobeConfig = "options snd_hda_intel enable_msi=1"; (message-signalled interrupts are never shared) or move the interface to a port on another USB controller',
          other: 'options snd_hda_intel enable_msi=1 in /etc/modprobe.d/audio.conf, or plug the interface into a port on another controller / move the card to another slot',
          nixos: 'boot.extraModprobeConfig = "options snd_hda_intel enable_msi=1";',
        }),
      };
    },
  },
  {
    id: 'rtirq',
    title: 'Audio IRQ threads prioritised (rtirq)',
    group: 'IRQs',
    needs: ['processes', 'interrupts'],
    judge(facts, context) {
      const processes = need(facts.processes);
      const threads = irqThreads(processes, maybe(facts.interrupts));
      const { enable, nameList } = context.profile.rtirq;
      // Say what was seen, not why: an image read with --root has no live process list, and a
      // PREEMPT_RT kernel there threads every handler even though no irq/ thread shows up.
      if (threads.length === 0) {
        return {
          status: 'skip',
          summary: `no irq/ threads in the process table (${processes.length} process${processes.length === 1 ? '' : 'es'}); under --root this usually means the image has no process list (threadirqs says whether handlers are threaded)`,
          evidence: [facts.processes.ok ? facts.processes.source : 'process table'],
        };
      }
      const audio = threads.filter((thread) => nameList.slice(0, 2).some((name) => matchesRtirqName(name, thread.name)));
      const others = threads.filter((thread) => !audio.includes(thread));
      if (audio.length === 0) return { status: 'skip', summary: `no IRQ thread matches ${nameList.slice(0, 2).join('/')} (no sound card or USB controller interrupt)`, evidence: [`${threads.length} IRQ threads`] };
      const highestOther = Math.max(0, ...others.map((thread) => (isRealtimePolicy(thread.policy) ? thread.priority : 0)));
      const behind = audio.filter((thread) => !isRealtimePolicy(thread.policy) || thread.priority <= highestOther);
      const evidence = [...audio.map(describe), `highest other IRQ thread priority: ${highestOther} (${others.length} threads)`];
      if (behind.length === 0) return { status: 'pass', summary: `${audio.length} audio IRQ thread${audio.length === 1 ? '' : 's'} above every other IRQ thread`, evidence };
      if (!enable) return { status: 'pass', summary: 'audio IRQ threads are not raised, and the profile turns rtirq off', evidence };
      return {
        status: 'warn',
        summary: `${behind.length} audio IRQ thread${behind.length === 1 ? ' is' : 's are'} not above the other IRQ threads (highest other: ${highestOther}): a disk or network interrupt can delay the sound card’s`,
        evidence,
        fix: fix(context, {
          nix: `archibald.audio.rtirq.enable = true; archibald.audio.rtirq.nameList = [ ${nameList.map((name) => JSON.stringify(name)).join(' ')} ];`,
          other: `install rtirq (Debian/Ubuntu: rtirq-init), set RTIRQ_NAME_LIST="${nameList.join(' ')}" in /etc/default/rtirq and enable its service`,
          nixos: `musnix.rtirq.enable = true; musnix.rtirq.nameList = ${JSON.stringify(nameList.join(' '))};`,
        }),
      };
    },
  },
  {
    id: 'irqbalance',
    title: 'irqbalance not moving audio interrupts',
    group: 'IRQs',
    needs: ['processes'],
    judge(facts, context) {
      const daemon = need(facts.processes).find((process) => process.comm === 'irqbalance');
      if (daemon === undefined) return { status: 'pass', summary: 'irqbalance is not running', evidence: ['no irqbalance in /proc/*/stat'] };
      return {
        status: 'warn',
        summary: 'irqbalance is running: it moves the sound card’s interrupt between CPUs, undoing pinning and isolation',
        evidence: [`irqbalance (pid ${daemon.pid})`],
        fix: fix(context, {
          nix: 'services.irqbalance.enable = false;',
          other: 'systemctl disable --now irqbalance',
          nixos: 'services.irqbalance.enable = false;',
        }),
      };
    },
  },
];
