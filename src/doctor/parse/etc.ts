/** Configuration files under /etc: os-release, passwd, group, limits.conf, PAM, modprobe.d, udev rules. */
import { hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';
import type { LimitValue } from './proc.js';

/** os-release(5): KEY=value with optional shell quoting. */
export function parseOsRelease(text: string): Parsed<Record<string, string>> {
  if (hasBinaryNoise(text)) return malformed('os-release holds binary data');
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match === null) continue;
    fields[match[1] as string] = (match[2] as string).replace(/^(["'])(.*)\1$/, '$2').replace(/\\(["$`\\])/g, '$1');
  }
  if (fields.ID === undefined && fields.NAME === undefined) return malformed('no ID= or NAME= line: not an os-release file');
  return parsed(fields);
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export function parsePasswd(text: string): Parsed<PasswdEntry[]> {
  const users: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || !/^\d+$/.test(fields[2] ?? '') || !/^\d+$/.test(fields[3] ?? '')) continue;
    users.push({ name: fields[0] as string, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] as string });
  }
  if (users.length === 0) return malformed('no "name:x:uid:gid:…" lines: not a passwd file');
  return parsed(users);
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroup(text: string): Parsed<GroupEntry[]> {
  const groups: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length !== 4 || !/^\d+$/.test(fields[2] ?? '')) continue;
    groups.push({ name: fields[0] as string, gid: Number(fields[2]), members: (fields[3] as string).split(',').map((m) => m.trim()).filter(Boolean) });
  }
  if (groups.length === 0) return malformed('no "name:x:gid:members" lines: not a group file');
  return parsed(groups);
}

export interface LimitsEntry {
  /** "user", "@group", "*", or a uid/gid range which we keep but never match. */
  domain: string;
  type: 'soft' | 'hard' | '-';
  item: string;
  value: LimitValue;
  source: string;
}

const LIMIT_VALUE = (word: string): LimitValue | null => {
  if (['unlimited', 'infinity', '-1'].includes(word)) return 'unlimited';
  return /^-?\d+$/.test(word) ? Number(word) : null;
};

/** limits.conf(5). Lines it cannot read are ignored, as pam_limits does. */
export function parseLimitsConf(text: string, source: string): Parsed<LimitsEntry[]> {
  const entries: LimitsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [domain, type, item, valueText] = line.split(/\s+/);
    if (domain === undefined || item === undefined || valueText === undefined) continue;
    if (type !== 'soft' && type !== 'hard' && type !== '-') continue;
    const value = LIMIT_VALUE(valueText);
    if (value === null) continue;
    entries.push({ domain, type, item, value, source });
  }
  return parsed(entries);
}

/**
 * What pam_limits would give `user`: a user line beats a @group line beats `*`; among equals the
 * later line wins (files are read limits.conf first, then limits.d/*.conf in order).
 */
export function effectiveLimit(
  entries: readonly LimitsEntry[],
  user: string,
  groups: readonly string[],
  item: string,
): { soft: LimitValue | null; hard: LimitValue | null; from: string[] } {
  const rank = (domain: string): number | null => {
    if (domain === user) return 0;
    if (domain.startsWith('@') && groups.includes(domain.slice(1))) return 1;
    if (domain === '*') return 2;
    return null;
  };
  const best = { soft: { rank: 9, value: null as LimitValue | null, from: '' }, hard: { rank: 9, value: null as LimitValue | null, from: '' } };
  for (const entry of entries) {
    if (entry.item !== item) continue;
    const r = rank(entry.domain);
    if (r === null) continue;
    for (const kind of ['soft', 'hard'] as const) {
      if (entry.type !== kind && entry.type !== '-') continue;
      if (r <= best[kind].rank) best[kind] = { rank: r, value: entry.value, from: `${entry.source}: ${entry.domain} ${entry.type} ${entry.item} ${entry.value}` };
    }
  }
  return { soft: best.soft.value, hard: best.hard.value, from: [...new Set([best.soft.from, best.hard.from].filter(Boolean))] };
}

/** `session required pam_limits.so conf=/nix/store/…-limits.conf`: NixOS keeps its limits outside /etc/security. */
export function pamLimitsConfFiles(text: string): string[] {
  const files: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || !/pam_limits\.so/.test(line)) continue;
    const conf = /\bconf=(\S+)/.exec(line)?.[1];
    if (conf !== undefined && conf.startsWith('/')) files.push(conf);
  }
  return files;
}

/** `options MODULE key=value …` lines of modprobe.d; module names normalised to underscores. */
export function parseModprobeOptions(text: string): Parsed<Array<{ module: string; key: string; value: string }>> {
  const options: Array<{ module: string; key: string; value: string }> = [];
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'options' || words[1] === undefined) continue;
    for (const word of words.slice(2)) {
      const equals = word.indexOf('=');
      options.push({ module: words[1].replace(/-/g, '_'), key: equals < 0 ? word : word.slice(0, equals), value: equals < 0 ? '' : word.slice(equals + 1) });
    }
  }
  return parsed(options);
}

export interface UdevRule {
  matches: Record<string, string>;
  assigns: Record<string, string>;
  source: string;
}

/** udev rules: `KEY=="value", KEY="value"` pairs per line (continuations joined). */
export function parseUdevRules(text: string, source: string): Parsed<UdevRule[]> {
  const rules: UdevRule[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const rule: UdevRule = { matches: {}, assigns: {}, source };
    for (const pair of line.matchAll(/([A-Za-z_]+(?:\{[^}]*\})?)\s*(==|!=|\+=|:=|=)\s*"([^"]*)"/g)) {
      const [, key, op, value] = pair as unknown as [string, string, string, string];
      if (op === '==') rule.matches[key] = value;
      else if (op !== '!=') rule.assigns[key] = value;
    }
    if (Object.keys(rule.matches).length > 0 && Object.keys(rule.assigns).length > 0) rules.push(rule);
  }
  return parsed(rules);
}
