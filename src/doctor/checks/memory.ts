/** Memory & filesystems: swapping, huge pages, inotify, where the audio lives. */
import type { CheckDefinition } from '../types.js';
import { fix, need } from './judge.js';

const PSEUDO = new Set(['proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'efivarfs', 'binfmt_misc', 'autofs', 'ramfs', 'rpc_pipefs', 'nsfs', 'overlay', 'squashfs', 'iso9660']);
const NETWORK = /^(nfs4?|cifs|smb3|smbfs|sshfs|fuse\.sshfs|fuse\.rclone|9p|ceph|glusterfs|fuse\.gvfsd-fuse|davfs|fuse\.davfs2?|afs)$/;
/** Where sessions and samples usually live. */
const AUDIO_PLACES = /^\/($|home(\/|$)|srv(\/|$)|mnt\/|media\/|data(\/|$)|music(\/|$)|audio(\/|$))/;

export const memoryChecks: CheckDefinition[] = [
  {
    id: 'swappiness',
    title: 'Swappiness',
    group: 'Memory & filesystems',
    needs: ['swaps', 'swappiness'],
    judge(facts, context) {
      const swaps = need(facts.swaps);
      if (swaps.length === 0) return { status: 'pass', summary: 'no swap configured, so swappiness does not matter', evidence: ['/proc/swaps: no swap areas'] };
      const swappiness = need(facts.swappiness);
      const limit = Math.max(10, context.profile.sysctl.swappiness);
      const evidence = [`/proc/sys/vm/swappiness: ${swappiness}`, `/proc/swaps: ${swaps.map((area) => `${area.name} (${area.type})`).join(', ')}`];
      if (swappiness <= limit) return { status: 'pass', summary: `swappiness ${swappiness}`, evidence };
      return {
        status: 'warn',
        summary: `swappiness ${swappiness}: the kernel swaps out idle pages (plugins, samples) eagerly and faults them back in mid-session`,
        evidence,
        fix: fix(context, {
          nix: `archibald.audio.sysctl.swappiness = ${context.profile.sysctl.swappiness};`,
          other: `vm.swappiness = ${context.profile.sysctl.swappiness} in /etc/sysctl.d/99-audio.conf, then sysctl --system`,
          nixos: `boot.kernel.sysctl."vm.swappiness" = ${context.profile.sysctl.swappiness};`,
        }),
      };
    },
  },
  {
    id: 'transparent-hugepages',
    title: 'Transparent huge pages not "always"',
    group: 'Memory & filesystems',
    needs: ['transparentHugepages'],
    judge(facts, context) {
      const mode = need(facts.transparentHugepages);
      const evidence = [`/sys/kernel/mm/transparent_hugepage/enabled: [${mode}]`];
      if (mode !== 'always') return { status: 'pass', summary: `transparent huge pages: ${mode}`, evidence };
      return {
        status: 'warn',
        summary: 'transparent huge pages "always": page faults may stall on compaction and khugepaged competes for the CPU',
        evidence,
        fix: fix(context, {
          nix: 'archibald.audio.kernel.transparentHugepages = "madvise";',
          other: 'add transparent_hugepage=madvise to the kernel command line',
          nixos: 'boot.kernelParams = [ "transparent_hugepage=madvise" ];',
        }),
      };
    },
  },
  {
    id: 'inotify-watches',
    title: 'inotify watch limit',
    group: 'Memory & filesystems',
    needs: ['maxUserWatches'],
    judge(facts, context) {
      const watches = need(facts.maxUserWatches);
      const wanted = context.profile.sysctl.maxUserWatches;
      const evidence = [`/proc/sys/fs/inotify/max_user_watches: ${watches}`, `profile: ${wanted}`];
      if (watches >= wanted) return { status: 'pass', summary: `${watches} inotify watches per user`, evidence };
      return {
        status: 'warn',
        summary: `only ${watches} inotify watches: DAWs and sample browsers watching large libraries run out`,
        evidence,
        fix: fix(context, {
          nix: `archibald.audio.sysctl.maxUserWatches = ${wanted};`,
          other: `fs.inotify.max_user_watches = ${wanted} in /etc/sysctl.d/99-audio.conf, then sysctl --system`,
          nixos: `boot.kernel.sysctl."fs.inotify.max_user_watches" = ${wanted};`,
        }),
      };
    },
  },
  {
    id: 'filesystems',
    title: 'Audio data on local file systems',
    group: 'Memory & filesystems',
    needs: ['mounts'],
    judge(facts, context) {
      const mounts = need(facts.mounts).filter((mount) => !PSEUDO.has(mount.fstype) && AUDIO_PLACES.test(mount.target));
      const remote = mounts.filter((mount) => NETWORK.test(mount.fstype) || (mount.fstype.startsWith('fuse') && mount.fstype !== 'fuseblk'));
      const evidence = mounts.slice(0, 12).map((mount) => `${mount.target}: ${mount.fstype} (${mount.source})`);
      if (mounts.length === 0) return { status: 'skip', summary: 'no mount for /, /home or media folders in /proc/mounts', evidence: [] };
      if (remote.length === 0) return { status: 'pass', summary: `${mounts.map((mount) => mount.target).join(', ')} on local file systems`, evidence };
      return {
        status: 'warn',
        summary: `${remote.map((mount) => `${mount.target} (${mount.fstype})`).join(', ')} ${remote.length === 1 ? 'is a' : 'are'} network or FUSE file system${remote.length === 1 ? '' : 's'}: streaming audio from it stalls on the network or a user-space daemon`,
        evidence,
        fix: fix(context, {
          nix: 'fileSystems."/home".fsType = "ext4"; (keep sessions and samples on a local disk: ext4, xfs or btrfs)',
          other: 'keep sessions and sample libraries on a local ext4, xfs or btrfs disk; copy from network shares before recording',
          nixos: 'fileSystems."/home".fsType = "ext4"; (a local disk for sessions and samples)',
        }),
      };
    },
  },
];
