/** Human output: grouped, one line per check, the fix under each finding, a summary line. */
import type { CheckDefinition, CheckResult, Status } from './types.js';
import { GROUPS } from './types.js';
import type { DoctorReport } from './schema.js';

export interface Palette {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const SYMBOLS: Record<Status, { tty: string; plain: string }> = {
  pass: { tty: '✓', plain: 'OK  ' },
  warn: { tty: '!', plain: 'WARN' },
  fail: { tty: '✗', plain: 'FAIL' },
  skip: { tty: '-', plain: 'SKIP' },
};

export function renderHuman(report: DoctorReport, checks: readonly CheckDefinition[], options: { tty: boolean; palette: Palette }): string {
  const { palette: c, tty } = options;
  const paint: Record<Status, (text: string) => string> = { pass: c.green, warn: c.yellow, fail: c.red, skip: c.dim };
  const groupOf = new Map(checks.map((check) => [check.id, check.group]));
  const out: string[] = [];
  const host = report.host;
  out.push(c.bold(`archibald doctor — ${host.root === null ? host.hostname ?? 'this machine' : `image at ${host.root}`}`));
  out.push(c.dim(`${host.os ?? 'unknown OS'}${host.nixos && !/nixos/i.test(host.os ?? '') ? ' (NixOS)' : ''}, kernel ${host.kernel ?? 'unknown'}, user ${host.user ?? 'unknown'}, profile ${host.profile}`));
  for (const group of GROUPS) {
    const rows = report.checks.filter((check: CheckResult) => groupOf.get(check.id) === group);
    if (rows.length === 0) continue;
    out.push('', c.bold(group));
    for (const row of rows) {
      const symbol = tty ? SYMBOLS[row.status].tty : SYMBOLS[row.status].plain;
      out.push(`  ${paint[row.status](symbol)} ${row.id.padEnd(22)} ${row.summary}`);
      if (row.fix !== null) {
        out.push(`      ${c.dim('fix (NixOS):')} ${row.fix.nix}`);
        out.push(`      ${c.dim(host.nixos ? 'without archibald modules:' : 'fix (other): ')} ${row.fix.other}`);
      }
    }
  }
  const { pass, warn, fail, skip } = report.counts;
  out.push('', `${c.bold(`${report.checks.length} checks:`)} ${c.green(`${pass} passed`)}, ${c.yellow(`${warn} warnings`)}, ${c.red(`${fail} failed`)}, ${c.dim(`${skip} skipped`)}`);
  return `${out.join('\n')}\n`;
}
