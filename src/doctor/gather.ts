/**
 * The adapter: reads the facts the selected checks need, each at most once and all concurrently,
 * through src/system (and raw.ts for the two reads Files lacks), so --root confines every read.
 * Nothing here decides pass or fail.
 */
import { gunzipSync } from 'node:zlib';
import type { System, FileResult } from '../system/index.js';
import type { Fact, FactKey, Facts, UserFacts } from './types.js';
import type { Parsed } from '../result.js';
import { parseCmdline, parseKernelConfig } from './parse/kernel.js';
import { parseInterrupts } from './parse/interrupts.js';
import { parseProcLimits, parseProcStat, parseProcStatus, type ProcStat } from './parse/proc.js';
import { pamLimitsConfFiles, parseGroup, type GroupEntry, type PasswdEntry, parseLimitsConf, parseModprobeOptions, parseOsRelease, parsePasswd, parseUdevRules, type LimitsEntry, type UdevRule } from './parse/etc.js';
import { parseMounts, parseSwaps } from './parse/mounts.js';
import { parseBracketChoice, parseCpuSet, parseInteger, parseWord, usbDeviceOfCard, type NodeAccess } from './parse/sysfs.js';
import { parsePwDump, parsePwMetadata } from '../pipewire/dump.js';
import { BUNDLED_DEFAULT, readDoctorProfile, type DoctorProfile } from './profile.js';
import { nodeOwnership, readBytes } from './raw.js';
import { filesAt } from '../system/files.js';
import { COSTLY_MITIGATION_FILES } from './checks/kernel.js';

export interface GatherOptions {
  /** --user NAME: whose limits and groups to judge. */
  user?: string;
  /** --profile FILE (a host path). */
  profileFile?: string;
  /** The process we run in; absent under --root, where the host's process says nothing about the image. */
  process?: { uid: number; env: NodeJS.ProcessEnv };
  /** Timeout for each command the doctor runs. */
  commandTimeoutMs?: number;
  /** Called with each fact's wall time (ARCHIBALD_DOCTOR_TIMING=1 prints them). */
  onTiming?: (key: FactKey, ms: number) => void;
}

const COMMAND_TIMEOUT_MS = 2000;
export const DEVICE_NODES = ['/dev/cpu_dma_latency', '/dev/rtc0', '/dev/rtc', '/dev/hpet'] as const;
const SMALL = 64 * 1024;
/**
 * sysfs attributes and most /proc files are at most a page. Reading them with a bound under 4 KB
 * lets Node take the read buffer from its pool instead of allocating (and collecting) a fresh one
 * per file: with ~150 files that garbage cost more than the reads.
 */
const TINY = 4000;

const missing = (reason: string): Fact<never> => ({ ok: false, reason });

function fromFile<T>(file: FileResult, path: string, parse: (text: string) => Parsed<T>): Fact<T> {
  if (!file.ok) return missing(file.message);
  if (file.truncated) return missing(`${path} is larger than expected (${file.bytes} bytes read); not trusted`);
  const result = parse(file.text);
  return result.ok ? { ok: true, value: result.value, source: path } : missing(`${path}: ${result.error}`);
}

type Loaders = { [K in FactKey]: () => Promise<Facts[K]> };

export class FactGatherer {
  private readonly cache = new Map<FactKey, Promise<unknown>>();
  private readonly loaders: Loaders;

  constructor(
    private readonly system: System,
    private readonly options: GatherOptions = {},
  ) {
    this.loaders = this.makeLoaders();
  }

  get<K extends FactKey>(key: K): Promise<Facts[K]> {
    let pending = this.cache.get(key) as Promise<Facts[K]> | undefined;
    if (pending === undefined) {
      const started = performance.now();
      const onTiming = this.options.onTiming;
      pending = this.loaders[key]()
        .finally(() => onTiming?.(key, performance.now() - started))
        .catch((error: unknown) => missing(`could not read: ${(error as Error).message}`) as Facts[K]);
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** Every requested fact; the rest are marked as not gathered. */
  async gather(keys: Iterable<FactKey>): Promise<Facts> {
    const wanted = new Set(keys);
    const all = Object.keys(this.loaders) as FactKey[];
    const values = await Promise.all(all.map((key) => (wanted.has(key) ? this.get(key) : Promise.resolve(missing('not gathered')))));
    return Object.fromEntries(all.map((key, i) => [key, values[i]])) as unknown as Facts;
  }

  private read<T>(path: string, parse: (text: string) => Parsed<T>, maxBytes = TINY): Promise<Fact<T>> {
    return this.system.files.readFile(path, { maxBytes }).then((file) => fromFile(file, path, parse));
  }

  private async command(argv: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ ok: true; stdout: string } | { ok: false; reason: string }> {
    if (!this.system.canRun) return { ok: false, reason: `needs ${argv[0]}, which is not run under --root (it would describe the host)` };
    const result = await this.system.run(argv, { timeoutMs: this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS, maxOutputBytes: 8 << 20, ...(env === undefined ? {} : { env }) });
    return result.ok ? { ok: true, stdout: result.stdout } : { ok: false, reason: result.message };
  }

  private makeLoaders(): Loaders {
    const files = this.system.files;
    return {
      osRelease: async () => {
        const etc = await this.read('/etc/os-release', parseOsRelease, SMALL);
        return etc.ok ? etc : this.read('/usr/lib/os-release', parseOsRelease, SMALL);
      },
      kernelRelease: () => this.read('/proc/sys/kernel/osrelease', parseWord),
      kernelVersion: () => this.read('/proc/version', (text) => (text.trim() === '' ? { ok: false, error: 'empty' } : { ok: true, value: text.trim().slice(0, 300) })),
      cmdline: () => this.read('/proc/cmdline', parseCmdline, SMALL),
      kernelConfig: async () => {
        const gz = await readBytes(files, '/proc/config.gz', 4 << 20);
        let gzProblem = gz.ok ? '' : gz.reason;
        if (gz.ok) {
          try {
            const config = parseKernelConfig(gunzipSync(gz.bytes, { maxOutputLength: 16 << 20 }).toString('utf8'));
            if (config.ok) return { ok: true, value: config.value, source: '/proc/config.gz' };
            gzProblem = `/proc/config.gz: ${config.error}`;
          } catch (error) {
            // A corrupt config.gz must not hide a good /boot/config-*, so fall through with the reason.
            gzProblem = `/proc/config.gz is not valid gzip (${(error as Error).message})`;
          }
        }
        const release = await this.get('kernelRelease');
        if (!release.ok) return missing(`${gzProblem}; no kernel release to find /boot/config-* (${release.reason})`);
        const boot = await this.read(`/boot/config-${release.value}`, parseKernelConfig, 4 << 20);
        return boot.ok ? boot : missing(`${gzProblem}; ${boot.reason}`);
      },
      realtimeFlag: () => this.read('/sys/kernel/realtime', parseInteger),
      onlineCpus: () => this.read('/sys/devices/system/cpu/online', parseCpuSet),
      governors: async () => {
        const cpus = await this.get('onlineCpus');
        if (!cpus.ok) return cpus;
        const governors = await Promise.all(
          cpus.value.slice(0, 1024).map(async (cpu) => ({ cpu, governor: await this.read(`/sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_governor`, parseWord) })),
        );
        return { ok: true, value: governors, source: '/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor' };
      },
      smtControl: () => this.read('/sys/devices/system/cpu/smt/control', parseWord),
      smtActive: () => this.read('/sys/devices/system/cpu/smt/active', parseInteger),
      threadSiblings: () => this.read('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list', parseCpuSet),
      boost: async () => {
        const [boost, noTurbo] = await Promise.all([
          this.read('/sys/devices/system/cpu/cpufreq/boost', parseInteger),
          this.read('/sys/devices/system/cpu/intel_pstate/no_turbo', parseInteger),
        ]);
        if (boost.ok) return { ok: true, value: { interface: 'cpufreq boost', enabled: boost.value === 1 }, source: boost.source };
        if (noTurbo.ok) return { ok: true, value: { interface: 'intel_pstate no_turbo', enabled: noTurbo.value === 0 }, source: noTurbo.source };
        return missing(`no boost control (${boost.reason}; ${noTurbo.reason})`);
      },
      vulnerabilities: async () => {
        // Only the entries whose mitigations can cost latency are read: each file is a round trip.
        const dir = '/sys/devices/system/cpu/vulnerabilities';
        const entries = await Promise.all(
          COSTLY_MITIGATION_FILES.map(async (name) => {
            const file = await files.readFile(`${dir}/${name}`, { maxBytes: 1024 });
            return file.ok ? { name, status: file.text.trim() } : { name, problem: file.problem, message: file.message };
          }),
        );
        const found = entries.filter((entry): entry is { name: string; status: string } => 'status' in entry);
        if (found.length === 0) return missing(entries.map((entry) => ('message' in entry ? entry.message : '')).find(Boolean) ?? `${dir} is empty`);
        return { ok: true, value: found, source: dir };
      },
      isolatedCpus: () => this.read('/sys/devices/system/cpu/isolated', parseCpuSet, SMALL),
      nohzFullCpus: () => this.read('/sys/devices/system/cpu/nohz_full', (text) => parseCpuSet(text.trim() === '(null)' ? '' : text)),
      swappiness: () => this.read('/proc/sys/vm/swappiness', parseInteger),
      swaps: () => this.read('/proc/swaps', parseSwaps, SMALL),
      rtRuntime: () => this.read('/proc/sys/kernel/sched_rt_runtime_us', parseInteger),
      rtPeriod: () => this.read('/proc/sys/kernel/sched_rt_period_us', parseInteger),
      nmiWatchdog: () => this.read('/proc/sys/kernel/nmi_watchdog', parseInteger),
      maxUserWatches: () => this.read('/proc/sys/fs/inotify/max_user_watches', parseInteger),
      transparentHugepages: async () => {
        const fact = await this.read('/sys/kernel/mm/transparent_hugepage/enabled', parseBracketChoice);
        return fact.ok ? { ...fact, value: fact.value.selected } : fact;
      },
      mounts: () => this.read('/proc/mounts', parseMounts, 1 << 20),
      interrupts: async () => {
        const fact = await this.read('/proc/interrupts', parseInterrupts, 1 << 20);
        return fact.ok ? { ...fact, value: fact.value.lines } : fact;
      },
      processes: () => this.processes(),
      process: async () =>
        this.options.process === undefined
          ? missing('describes the doctor’s own process, which is not part of the image under --root')
          : { ok: true, value: { uid: this.options.process.uid, sudoUser: this.options.process.env.SUDO_USER ?? null }, source: 'the running process' },
      user: () => this.user(),
      selfStatus: () => this.read('/proc/self/status', parseProcStatus, SMALL),
      selfLimits: () => this.read('/proc/self/limits', parseProcLimits, SMALL),
      limitsConf: () => this.limitsConf(),
      rtCgroupRuntime: async () => {
        // With CONFIG_RT_GROUP_SCHED on cgroup v1, a cgroup whose cpu.rt_runtime_us is 0 refuses
        // SCHED_FIFO to everyone in it, root included, whatever RLIMIT_RTPRIO says.
        const cgroups = await files.readFile('/proc/self/cgroup', { maxBytes: TINY });
        if (!cgroups.ok) return missing(cgroups.message);
        const line = cgroups.text.split('\n').find((entry) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(entry));
        if (line === undefined) return missing('no cgroup-v1 cpu controller: real-time group scheduling does not apply');
        const [, controllers = '', path = '/'] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
        const mount = `/sys/fs/cgroup/${controllers}`;
        const fact = await this.read(`${mount}${path === '/' ? '' : path}/cpu.rt_runtime_us`, parseInteger);
        if (fact.ok) return fact;
        return path === '/' ? fact : this.read(`/sys/fs/cgroup/cpu${path}/cpu.rt_runtime_us`, parseInteger);
      },
      deviceNodes: async () => {
        // Device nodes in an image are not the machine's (git keeps no owners): use its udev rules there.
        if (!this.system.files.isHost) return missing('device nodes in an image say nothing about the booted machine; judged from udev rules');
        const [accounts, nodes] = await Promise.all([this.accounts(), Promise.all(DEVICE_NODES.map((node) => nodeOwnership(this.system.files, node)))]);
        const name = (list: Array<{ name: string; id: number }>, id: number): string => list.find((entry) => entry.id === id)?.name ?? String(id);
        const value: NodeAccess[] = [];
        for (const [i, result] of nodes.entries()) {
          if (!result.ok) return missing(result.reason);
          if (result.node !== null) value.push({ path: DEVICE_NODES[i] as string, mode: result.node.mode, owner: name(accounts.users, result.node.uid), group: name(accounts.groups, result.node.gid) });
        }
        return { ok: true, value, source: 'stat of /dev nodes' };
      },
      udevRules: async () => {
        const nodes = await this.get('deviceNodes');
        return nodes.ok ? missing('not needed: the live device nodes were read') : this.udevRules();
      },
      rtcMaxUserFreq: () => this.read('/sys/class/rtc/rtc0/max_user_freq', parseInteger),
      usbAutosuspend: () => this.read('/sys/module/usbcore/parameters/autosuspend', parseInteger),
      usbAudioDevices: () => this.usbAudioDevices(),
      usbAudioLowlatency: () => this.read('/sys/module/snd_usb_audio/parameters/lowlatency', parseWord),
      modprobeOptions: () => this.modprobeOptions(),
      pipewireSettings: async () => {
        const running = await this.pipewireRunning();
        if (running !== null) return missing(running);
        const result = await this.command(['pw-metadata', '-n', 'settings'], await this.pipewireEnv());
        if (!result.ok) return missing(`pw-metadata: ${result.reason}`);
        const settings = parsePwMetadata(result.stdout);
        return settings.ok ? { ok: true, value: settings.value, source: 'pw-metadata -n settings' } : missing(settings.error);
      },
      pipewireNodes: async () => {
        const running = await this.pipewireRunning();
        if (running !== null) return missing(running);
        const result = await this.command(['pw-dump'], await this.pipewireEnv());
        if (!result.ok) return missing(`pw-dump: ${result.reason}`);
        const nodes = parsePwDump(result.stdout);
        return nodes.ok ? { ok: true, value: nodes.value, source: 'pw-dump' } : missing(nodes.error);
      },
      profile: () => this.profile(),
    };
  }

  private accountsPromise: Promise<{ users: Array<{ name: string; id: number }>; groups: Array<{ name: string; id: number }> }> | undefined;

  /** uid/gid → name maps from the image's /etc/passwd and /etc/group (empty when unreadable). */
  private accounts() {
    this.accountsPromise ??= this.accountFiles().then(([passwd, group]) => ({
      users: passwd.ok ? passwd.value.map((user) => ({ name: user.name, id: user.uid })) : [],
      groups: group.ok ? group.value.map((entry) => ({ name: entry.name, id: entry.gid })) : [],
    }));
    return this.accountsPromise;
  }

  /**
   * Under sudo the doctor is root but the PipeWire to ask is the judged user's: point the tools at
   * that user's runtime directory (root may open the socket there).
   */
  private async pipewireEnv(): Promise<NodeJS.ProcessEnv | undefined> {
    const own = this.options.process;
    const user = await this.get('user');
    if (own === undefined || own.uid !== 0 || !user.ok || user.value.isSelf || user.value.uid === null || user.value.uid === 0) return undefined;
    return { ...own.env, XDG_RUNTIME_DIR: `/run/user/${user.value.uid}`, PIPEWIRE_RUNTIME_DIR: `/run/user/${user.value.uid}` };
  }

  private async pipewireRunning(): Promise<string | null> {
    if (!this.system.canRun) return 'needs pw-metadata/pw-dump, which are not run under --root (they would describe the host)';
    const processes = await this.get('processes');
    if (!processes.ok) return processes.reason;
    return processes.value.some((process) => process.comm === 'pipewire') ? null : 'PipeWire is not running';
  }

  private async processes(): Promise<Fact<ProcStat[]>> {
    const listing = await this.system.files.readDir('/proc');
    if (!listing.ok) return missing(listing.message);
    const pids = listing.entries.filter((entry) => /^\d+$/.test(entry)).slice(0, 32768);
    const stats = await Promise.all(pids.map((pid) => this.system.files.readFile(`/proc/${pid}/stat`, { maxBytes: TINY })));
    const processes: ProcStat[] = [];
    for (const stat of stats) {
      if (!stat.ok) continue; // processes come and go while we read
      const parsed = parseProcStat(stat.text);
      if (parsed.ok) processes.push(parsed.value);
    }
    return { ok: true, value: processes, source: `/proc/*/stat (${processes.length} processes)` };
  }

  private passwdAndGroup?: Promise<[Fact<PasswdEntry[]>, Fact<GroupEntry[]>]>;

  private accountFiles(): Promise<[Fact<PasswdEntry[]>, Fact<GroupEntry[]>]> {
    this.passwdAndGroup ??= Promise.all([this.read('/etc/passwd', parsePasswd, 4 << 20), this.read('/etc/group', parseGroup, 4 << 20)]);
    return this.passwdAndGroup;
  }

  private async user(): Promise<Fact<UserFacts>> {
    const [passwd, group] = await this.accountFiles();
    if (!passwd.ok) return passwd;
    const own = this.options.process;
    let chosen: { name?: string; uid?: number; chosenBy: string; isSelf: boolean };
    if (this.options.user !== undefined) chosen = { name: this.options.user, chosenBy: '--user', isSelf: own !== undefined && passwd.value.some((u) => u.name === this.options.user && u.uid === own.uid) };
    else if (own === undefined) {
      const regular = passwd.value.find((u) => u.uid >= 1000 && u.uid < 60000);
      if (regular === undefined) return missing('no regular user (uid 1000..59999) in the image’s /etc/passwd; pass --user NAME');
      chosen = { name: regular.name, chosenBy: 'first regular user in /etc/passwd', isSelf: false };
    } else if (own.uid === 0 && own.env.SUDO_USER !== undefined && own.env.SUDO_USER !== 'root') chosen = { name: own.env.SUDO_USER, chosenBy: 'SUDO_USER', isSelf: false };
    else chosen = { uid: own.uid, chosenBy: 'the running user', isSelf: true };
    const entry = passwd.value.find((u) => (chosen.name !== undefined ? u.name === chosen.name : u.uid === chosen.uid));
    if (entry === undefined) return missing(`user ${chosen.name ?? `uid ${chosen.uid}`} is not in /etc/passwd`);
    const groups = new Set<string>();
    const audioGid = group.ok ? (group.value.find((g) => g.name === 'audio')?.gid ?? null) : null;
    if (group.ok) {
      for (const g of group.value) if (g.gid === entry.gid || g.members.includes(entry.name)) groups.add(g.name);
    }
    return { ok: true, value: { name: entry.name, uid: entry.uid, groups: [...groups].sort(), audioGid, isSelf: chosen.isSelf, chosenBy: chosen.chosenBy }, source: group.ok ? '/etc/passwd, /etc/group' : `/etc/passwd (${group.reason})` };
  }

  private async limitsConf(): Promise<Fact<LimitsEntry[]>> {
    const files = this.system.files;
    // NixOS points pam_limits at a store file (conf=/nix/store/…-limits.conf) instead of /etc/security.
    // Every NixOS PAM service that loads pam_limits names the same store file; two are enough to find it.
    const pamFiles = ['/etc/pam.d/login', '/etc/pam.d/systemd-user'];
    const [pam, dropIns] = await Promise.all([Promise.all(pamFiles.map((file) => files.readFile(file, { maxBytes: SMALL }))), files.readDir('/etc/security/limits.d')]);
    const storeConfs = [...new Set(pam.flatMap((file) => (file.ok ? pamLimitsConfFiles(file.text) : [])))];
    const paths = [
      ...(storeConfs.length > 0 ? storeConfs : ['/etc/security/limits.conf']),
      ...(dropIns.ok ? dropIns.entries.filter((name) => name.endsWith('.conf')).map((name) => `/etc/security/limits.d/${name}`) : []),
    ];
    const texts = await Promise.all(paths.map((path) => files.readFile(path, { maxBytes: SMALL })));
    const entries: LimitsEntry[] = [];
    const read: string[] = [];
    texts.forEach((file, i) => {
      if (!file.ok || file.truncated) return;
      const parsed = parseLimitsConf(file.text, paths[i] as string);
      if (parsed.ok) {
        entries.push(...parsed.value);
        read.push(paths[i] as string);
      }
    });
    if (read.length === 0) return missing(`no readable limits configuration (${paths.join(', ')})`);
    return { ok: true, value: entries, source: read.join(', ') };
  }

  private async udevRules(): Promise<Fact<UdevRule[]>> {
    const files = this.system.files;
    const dirs = ['/etc/udev/rules.d', '/lib/udev/rules.d', '/usr/lib/udev/rules.d'];
    const listings = await Promise.all(dirs.map((dir) => files.readDir(dir)));
    const paths = listings.flatMap((listing, i) => (listing.ok ? listing.entries.filter((name) => name.endsWith('.rules')).map((name) => `${dirs[i]}/${name}`) : []));
    if (paths.length === 0) return missing(`no udev rules directory (${dirs.join(', ')})`);
    const texts = await Promise.all(paths.slice(0, 512).map((path) => files.readFile(path, { maxBytes: 256 * 1024 })));
    const rules: UdevRule[] = [];
    texts.forEach((file, i) => {
      // Only the rules that mention the timer devices matter; skip the parse for the rest.
      if (file.ok && /cpu_dma_latency|rtc|hpet/.test(file.text)) {
        const parsed = parseUdevRules(file.text, paths[i] as string);
        if (parsed.ok) rules.push(...parsed.value);
      }
    });
    return { ok: true, value: rules, source: dirs.join(', ') };
  }

  private async usbAudioDevices(): Promise<Fact<Array<{ device: string; control: string }>>> {
    // Sound cards, not every USB interface: /sys/class/sound/cardN links into the device tree, and
    // a USB card's link runs through its interface ("…/usb1/1-2/1-2:1.0/sound/card1").
    const files = this.system.files;
    const listing = await files.readDir('/sys/class/sound');
    if (!listing.ok) return listing.problem === 'missing' ? { ok: true, value: [], source: 'no /sys/class/sound (no sound cards)' } : missing(listing.message);
    const cards = listing.entries.filter((name) => /^card\d+$/.test(name)).slice(0, 64);
    const links = await Promise.all(cards.map((card) => files.readLink(`/sys/class/sound/${card}`)));
    const devices = [...new Set(links.flatMap((link) => (link.ok ? [usbDeviceOfCard(link.target)].filter((device): device is string => device !== null) : [])))];
    const controls = await Promise.all(devices.map((device) => files.readFile(`/sys/bus/usb/devices/${device}/power/control`, { maxBytes: 64 })));
    return {
      ok: true,
      value: devices.map((device, i) => {
        const control = controls[i];
        return { device, control: control !== undefined && control.ok ? control.text.trim() : 'unknown' };
      }),
      source: '/sys/class/sound/card*',
    };
  }

  private async modprobeOptions(): Promise<Fact<Array<{ module: string; key: string; value: string; source: string }>>> {
    const files = this.system.files;
    // Distribution defaults under /usr/lib/modprobe.d never set snd_usb_audio options; user and NixOS files live here.
    const dirs = ['/etc/modprobe.d', '/run/modprobe.d'];
    const listings = await Promise.all(dirs.map((dir) => files.readDir(dir)));
    const paths = listings.flatMap((listing, i) => (listing.ok ? listing.entries.filter((name) => name.endsWith('.conf')).map((name) => `${dirs[i]}/${name}`) : []));
    // NixOS writes boot.extraModprobeConfig to /etc/modprobe.d/nixos.conf, which the listing covers.
    const texts = await Promise.all(paths.slice(0, 256).map((path) => files.readFile(path, { maxBytes: SMALL })));
    const options: Array<{ module: string; key: string; value: string; source: string }> = [];
    texts.forEach((file, i) => {
      if (!file.ok) return;
      const parsed = parseModprobeOptions(file.text);
      if (parsed.ok) options.push(...parsed.value.map((option) => ({ ...option, source: paths[i] as string })));
    });
    return { ok: true, value: options, source: paths.length > 0 ? dirs.join(', ') : 'no modprobe.d files' };
  }

  private async profile(): Promise<Fact<DoctorProfile>> {
    const host = this.options.process;
    const explicit = this.options.profileFile;
    // --profile and $ARCHIBALD_PROFILE are host paths; the installed profile is read inside the root.
    const candidates: Array<{ path: string; fromHost: boolean; required: boolean }> = [];
    if (explicit !== undefined) candidates.push({ path: explicit, fromHost: true, required: true });
    else {
      const fromEnv = host?.env.ARCHIBALD_PROFILE;
      if (fromEnv !== undefined && fromEnv !== '') candidates.push({ path: fromEnv, fromHost: true, required: true });
      candidates.push({ path: '/etc/archibald/profile.json', fromHost: false, required: false });
    }
    for (const candidate of candidates) {
      const file = await (candidate.fromHost ? filesAt('/') : this.system.files).readFile(candidate.path);
      if (!file.ok) {
        if (candidate.required) return missing(file.message);
        if (file.problem === 'missing') continue;
        return missing(file.message);
      }
      const profile = await readDoctorProfile(file.text, candidate.path, candidate.required);
      return profile.ok ? { ok: true, value: profile.profile, source: candidate.path } : missing(profile.message);
    }
    return { ok: true, value: BUNDLED_DEFAULT, source: 'the bundled default profile' };
  }
}
