/**
 * What each /sys/devices/system/cpu/vulnerabilities status says is *applied*, and whether that
 * costs an audio thread anything. The status strings come from arch/x86/kernel/cpu/bugs.c (6.5
 * through 6.17); the prefix ("Mitigation:" / "Vulnerable:") says whether the kernel considers the
 * CPU protected, not whether work is done: "Vulnerable: Safe RET, no microcode" runs the Safe RET
 * return thunk on every kernel return and only lacks the microcode half.
 *
 * Costly means work on every kernel entry/exit, every context switch or every kernel RET (page-table
 * switch, MSR write, buffer clearing, predictor barrier, return thunk, RSB stuffing), or a CPU
 * feature taken away from user space (AVX). Cheap means the applied work is a few cycles per
 * indirect branch, only on VM entry/exit, or only for tasks that ask for it.
 *
 * Retpolines are cheap here: they replace each indirect branch in the kernel with a call/ret pair,
 * a few cycles each, and Google (who wrote them) reported negligible overhead across its fleet
 * (Paul Turner, "Retpoline: a software construct for preventing branch-target-injection", 2018);
 * the RSB fill on context switch that comes with them is 32 calls. We could not measure
 * `spectre_v2=off` here: it needs a reboot. The costly part of spectre_v2 is legacy IBRS (an MSR
 * write on every entry and exit) and always-on IBPB/STIBP.
 */

export type MitigationCost = 'costly' | 'cheap' | 'none';

interface CostRule {
  pattern: RegExp;
  cost: 'costly' | 'cheap';
  why: string;
}

const CLEAR_BUFFERS: CostRule = { pattern: /^Mitigation: Clear CPU buffers/, cost: 'costly', why: 'VERW clears CPU buffers on every return to user space' };
const NO_MICROCODE_VERW: CostRule = { pattern: /^Vulnerable: Clear CPU buffers attempted, no microcode/, cost: 'cheap', why: 'VERW runs but, without the microcode, clears nothing and costs little' };

/** First matching rule wins, so the costly patterns of a file come before its cheap ones. */
const RULES: Record<string, CostRule[]> = {
  meltdown: [{ pattern: /^Mitigation: PTI/, cost: 'costly', why: 'page-table isolation switches CR3 on every kernel entry and exit' }],
  spectre_v1: [{ pattern: /^Mitigation: usercopy\/swapgs barriers/, cost: 'cheap', why: 'an LFENCE after swapgs and masked user pointers' }],
  spectre_v2: [
    { pattern: /^Mitigation: IBRS\b/, cost: 'costly', why: 'legacy IBRS writes SPEC_CTRL on every kernel entry and exit' },
    { pattern: /IBPB: always-on/, cost: 'costly', why: 'an indirect-branch predictor barrier at every switch between processes' },
    { pattern: /STIBP: (forced|always-on)/, cost: 'costly', why: 'always-on STIBP slows both SMT siblings all the time' },
    { pattern: /^Mitigation: (Retpolines|Enhanced \/ Automatic IBRS|LFENCE)|^Vulnerable: LFENCE/, cost: 'cheap', why: 'a few cycles per kernel indirect branch (retpolines/LFENCE) or none (eIBRS); RSB fill on context switch' },
  ],
  spec_store_bypass: [
    { pattern: /^Mitigation: Speculative Store Bypass disabled$/, cost: 'costly', why: 'SSBD for every task, user space included' },
    { pattern: /^Mitigation: Speculative Store Bypass disabled via prctl/, cost: 'cheap', why: 'only tasks that ask for it (prctl/seccomp)' },
  ],
  retbleed: [
    { pattern: /untrained return thunk/, cost: 'costly', why: 'the untrained return thunk runs on every kernel RET' },
    { pattern: /^Mitigation: (IBPB|IBRS)\b/, cost: 'costly', why: 'a predictor barrier or SPEC_CTRL write on every kernel entry' },
    { pattern: /^Mitigation: Stuffing/, cost: 'costly', why: 'call-depth tracking stuffs the RSB on every kernel call' },
    { pattern: /^Mitigation: Enhanced IBRS/, cost: 'cheap', why: 'eIBRS is set once' },
  ],
  spec_rstack_overflow: [
    // "Vulnerable: Safe RET, no microcode" (6.6+) and "Mitigation: safe RET, no microcode" (6.5) both run the thunk.
    { pattern: /^(Mitigation|Vulnerable): safe RET/i, cost: 'costly', why: 'the Safe RET return thunk runs on every kernel RET' },
    { pattern: /^Mitigation: IBPB$|^Mitigation: IBPB, no microcode$/, cost: 'costly', why: 'a predictor barrier on every kernel entry' },
    { pattern: /^Mitigation: (IBPB on VMEXIT only|Reduced Speculation|SMT disabled|microcode)|^Vulnerable: Microcode, no safe RET/i, cost: 'cheap', why: 'only on VM exit, or microcode alone with nothing on the kernel’s return path' },
  ],
  mds: [CLEAR_BUFFERS, NO_MICROCODE_VERW],
  tsx_async_abort: [CLEAR_BUFFERS, NO_MICROCODE_VERW, { pattern: /^Mitigation: TSX disabled/, cost: 'cheap', why: 'TSX is off; nothing runs on kernel entry' }],
  mmio_stale_data: [CLEAR_BUFFERS, NO_MICROCODE_VERW],
  tsa: [
    { pattern: /^Mitigation: Clear CPU buffers: VM/, cost: 'cheap', why: 'only on VM entry' },
    CLEAR_BUFFERS,
    NO_MICROCODE_VERW,
  ],
  reg_file_data_sampling: [{ pattern: /^Mitigation: Clear Register File/, cost: 'costly', why: 'VERW clears the register file on every return to user space' }],
  indirect_target_selection: [
    { pattern: /Stuffing RSB/, cost: 'costly', why: 'call-depth tracking stuffs the RSB on every kernel call' },
    { pattern: /^Mitigation: (Aligned branch\/return thunks|Vulnerable, KVM)/, cost: 'cheap', why: 'thunks only for indirect branches in the lower half of a cache line, or KVM only' },
  ],
  gather_data_sampling: [
    { pattern: /AVX disabled/, cost: 'costly', why: 'AVX is turned off, so DSP code runs its SSE or scalar paths' },
    { pattern: /^Mitigation: Microcode/, cost: 'cheap', why: 'microcode slows AVX gathers only' },
  ],
  vmscape: [{ pattern: /^Mitigation: (IBPB before exit to userspace|IBPB on VMEXIT|Clear BHB before exit to userspace)/, cost: 'cheap', why: 'only after a VM exit (a machine that runs no VMs pays nothing)' }],
};

/** Every vulnerability file whose status the doctor reads (each read is a round trip). */
export const MITIGATION_FILES = Object.keys(RULES);

export function mitigationCost({ name, status }: { name: string; status: string }): { cost: MitigationCost; why: string } {
  const rule = RULES[name]?.find((candidate) => candidate.pattern.test(status));
  if (rule !== undefined) return { cost: rule.cost, why: rule.why };
  if (status.startsWith('Mitigation:')) return { cost: 'cheap', why: 'a mitigation not known to put work on the audio path' };
  return { cost: 'none', why: status.startsWith('Not affected') ? 'not affected' : 'nothing applied' };
}

export const isCostlyMitigation = (entry: { name: string; status: string }): boolean => mitigationCost(entry).cost === 'costly';
