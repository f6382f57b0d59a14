/**
 * Every status string arch/x86/kernel/cpu/bugs.c can print (6.5 through 6.17, including the
 * suffixes sysfs appends), classified by what it says is applied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MITIGATION_FILES, mitigationCost, type MitigationCost } from '../../src/doctor/checks/mitigation-cost.js';
import type { Facts } from '../../src/doctor/types.js';
import { factsOf, judgeOne, ok } from './support.js';

const TABLE: Array<[file: string, status: string, cost: MitigationCost]> = [
  ['meltdown', 'Not affected', 'none'],
  ['meltdown', 'Vulnerable', 'none'],
  ['meltdown', 'Mitigation: PTI', 'costly'],
  ['meltdown', 'Unknown (XEN PV detected, hypervisor mitigation required)', 'none'],
  ['spectre_v1', 'Mitigation: usercopy/swapgs barriers and __user pointer sanitization', 'cheap'],
  ['spectre_v1', 'Vulnerable: __user pointer sanitization and usercopy barriers only; no swapgs barriers', 'none'],
  ['spectre_v2', 'Vulnerable', 'none'],
  ['spectre_v2', 'Mitigation: Retpolines; IBPB: conditional; IBRS_FW; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected', 'cheap'],
  ['spectre_v2', 'Mitigation: Retpolines, IBPB: conditional, IBRS_FW, STIBP: conditional, RSB filling, PBRSB-eIBRS: Not affected', 'cheap'],
  ['spectre_v2', 'Mitigation: Retpolines; IBPB: conditional; STIBP: always-on; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected', 'costly'],
  ['spectre_v2', 'Mitigation: Retpolines; IBPB: always-on; IBRS_FW; STIBP: forced; RSB filling; PBRSB-eIBRS: Not affected; BHI: Retpoline', 'costly'],
  ['spectre_v2', 'Mitigation: LFENCE', 'cheap'],
  ['spectre_v2', 'Vulnerable: LFENCE', 'cheap'],
  ['spectre_v2', 'Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; RSB filling; PBRSB-eIBRS: SW sequence; BHI: BHI_DIS_S', 'cheap'],
  ['spectre_v2', 'Mitigation: Enhanced / Automatic IBRS + LFENCE; BHI: SW loop, KVM: SW loop', 'cheap'],
  ['spectre_v2', 'Mitigation: Enhanced / Automatic IBRS + Retpolines; PBRSB-eIBRS: Vulnerable; BHI: Vulnerable, KVM: SW loop', 'cheap'],
  ['spectre_v2', 'Mitigation: IBRS; IBPB: conditional; STIBP: conditional; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected', 'costly'],
  ['spectre_v2', 'Vulnerable: eIBRS with unprivileged eBPF', 'none'],
  ['spectre_v2', 'Vulnerable: eIBRS+LFENCE with unprivileged eBPF and SMT', 'none'],
  ['spec_store_bypass', 'Vulnerable', 'none'],
  ['spec_store_bypass', 'Mitigation: Speculative Store Bypass disabled', 'costly'],
  ['spec_store_bypass', 'Mitigation: Speculative Store Bypass disabled via prctl', 'cheap'],
  ['spec_store_bypass', 'Mitigation: Speculative Store Bypass disabled via prctl and seccomp', 'cheap'],
  ['retbleed', 'Vulnerable', 'none'],
  ['retbleed', 'Mitigation: untrained return thunk; SMT disabled', 'costly'],
  ['retbleed', 'Mitigation: untrained return thunk; SMT enabled with STIBP protection', 'costly'],
  ['retbleed', 'Mitigation: IBPB; SMT vulnerable', 'costly'],
  ['retbleed', 'Mitigation: IBRS', 'costly'],
  ['retbleed', 'Mitigation: Enhanced IBRS', 'cheap'],
  ['retbleed', 'Mitigation: Stuffing', 'costly'],
  ['retbleed', 'Vulnerable: untrained return thunk / IBPB on non-AMD based uarch', 'costly'],
  ['spec_rstack_overflow', 'Vulnerable', 'none'],
  ['spec_rstack_overflow', 'Vulnerable: No microcode', 'none'],
  ['spec_rstack_overflow', 'Vulnerable: Safe RET, no microcode', 'costly'],
  ['spec_rstack_overflow', 'Vulnerable: Microcode, no safe RET', 'cheap'],
  ['spec_rstack_overflow', 'Mitigation: SMT disabled', 'cheap'],
  ['spec_rstack_overflow', 'Mitigation: Safe RET', 'costly'],
  ['spec_rstack_overflow', 'Mitigation: IBPB', 'costly'],
  ['spec_rstack_overflow', 'Mitigation: IBPB on VMEXIT only', 'cheap'],
  ['spec_rstack_overflow', 'Mitigation: Reduced Speculation', 'cheap'],
  // 6.5's strings, before "Vulnerable:" said what was missing.
  ['spec_rstack_overflow', 'Mitigation: safe RET, no microcode', 'costly'],
  ['spec_rstack_overflow', 'Mitigation: microcode', 'cheap'],
  ['mds', 'Vulnerable; SMT vulnerable', 'none'],
  ['mds', 'Mitigation: Clear CPU buffers; SMT vulnerable', 'costly'],
  ['mds', 'Mitigation: Clear CPU buffers; SMT Host state unknown', 'costly'],
  ['mds', 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable', 'cheap'],
  ['tsx_async_abort', 'Vulnerable', 'none'],
  ['tsx_async_abort', 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable', 'cheap'],
  ['tsx_async_abort', 'Mitigation: Clear CPU buffers; SMT disabled', 'costly'],
  ['tsx_async_abort', 'Mitigation: TSX disabled', 'cheap'],
  ['mmio_stale_data', 'Vulnerable', 'none'],
  ['mmio_stale_data', 'Unknown: No mitigations', 'none'],
  ['mmio_stale_data', 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown', 'cheap'],
  ['mmio_stale_data', 'Mitigation: Clear CPU buffers; SMT vulnerable', 'costly'],
  ['tsa', 'Vulnerable', 'none'],
  ['tsa', 'Vulnerable: No microcode', 'none'],
  ['tsa', 'Vulnerable: Clear CPU buffers attempted, no microcode', 'cheap'],
  ['tsa', 'Mitigation: Clear CPU buffers: user/kernel boundary', 'costly'],
  ['tsa', 'Mitigation: Clear CPU buffers: VM', 'cheap'],
  ['tsa', 'Mitigation: Clear CPU buffers', 'costly'],
  ['reg_file_data_sampling', 'Vulnerable', 'none'],
  ['reg_file_data_sampling', 'Vulnerable: No microcode', 'none'],
  ['reg_file_data_sampling', 'Mitigation: Clear Register File', 'costly'],
  ['indirect_target_selection', 'Vulnerable', 'none'],
  ['indirect_target_selection', 'Mitigation: Vulnerable, KVM: Not affected', 'cheap'],
  ['indirect_target_selection', 'Mitigation: Aligned branch/return thunks', 'cheap'],
  ['indirect_target_selection', 'Mitigation: Retpolines, Stuffing RSB', 'costly'],
  ['gather_data_sampling', 'Vulnerable', 'none'],
  ['gather_data_sampling', 'Vulnerable: No microcode', 'none'],
  ['gather_data_sampling', 'Mitigation: AVX disabled, no microcode', 'costly'],
  ['gather_data_sampling', 'Mitigation: Microcode', 'cheap'],
  ['gather_data_sampling', 'Mitigation: Microcode (locked)', 'cheap'],
  ['gather_data_sampling', 'Unknown: Dependent on hypervisor status', 'none'],
  ['vmscape', 'Vulnerable', 'none'],
  ['vmscape', 'Mitigation: IBPB before exit to userspace', 'cheap'],
  ['vmscape', 'Mitigation: IBPB on VMEXIT', 'cheap'],
  ['vmscape', 'Mitigation: Clear BHB before exit to userspace', 'cheap'],
];

test('every kernel status string is classified by what it applies', () => {
  for (const [name, status, cost] of TABLE) assert.equal(mitigationCost({ name, status }).cost, cost, `${name}: ${status}`);
});

test('the gatherer reads every file the table classifies', () => {
  for (const [name] of TABLE) assert.ok(MITIGATION_FILES.includes(name), name);
});

test('mitigations warns on the Safe RET thunk without microcode (rtcqs does too)', async () => {
  const base = await factsOf('stock');
  const facts = { ...base, vulnerabilities: ok([{ name: 'spec_rstack_overflow', status: 'Vulnerable: Safe RET, no microcode' }, { name: 'spectre_v2', status: 'Mitigation: Retpolines; IBPB: conditional; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not affected; BHI: Not affected' }]) } as Facts;
  const result = judgeOne('mitigations', facts);
  assert.equal(result.status, 'warn', result.summary);
  assert.deepEqual(result.evidence.map((line) => line.split(' (')[0]), ['spec_rstack_overflow: Vulnerable: Safe RET, no microcode']);
});
