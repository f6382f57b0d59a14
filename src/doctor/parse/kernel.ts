/** Kernel command line and kernel build configuration. */
import { excerpt, hasBinaryNoise, malformed, parsed, type Parsed } from '../../result.js';

export interface KernelParam {
  key: string;
  /** null for a bare flag such as `threadirqs`. */
  value: string | null;
}

/**
 * /proc/cmdline: space-separated `key` or `key=value`, values may be double-quoted.
 * Everything after a lone `--` belongs to init, not the kernel.
 */
export function parseCmdline(text: string): Parsed<KernelParam[]> {
  if (hasBinaryNoise(text)) return malformed(`kernel command line holds binary data (${excerpt(text, 40)})`);
  const params: KernelParam[] = [];
  const tokens = text.trim().match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? [];
  for (const token of tokens) {
    if (token === '--') break;
    const unquoted = token.replace(/"/g, '');
    const equals = unquoted.indexOf('=');
    params.push(equals < 0 ? { key: unquoted, value: null } : { key: unquoted.slice(0, equals), value: unquoted.slice(equals + 1) });
  }
  return parsed(params);
}

/** The last occurrence wins, as in the kernel's own parsing. */
export function cmdlineValue(params: readonly KernelParam[], key: string): string | null | undefined {
  let found: string | null | undefined;
  for (const param of params) if (param.key === key) found = param.value;
  return found;
}

export const hasFlag = (params: readonly KernelParam[], key: string): boolean => params.some((param) => param.key === key);

/** `CONFIG_X=value` → value; `# CONFIG_X is not set` → "n". */
export type KernelConfig = ReadonlyMap<string, string>;

export function parseKernelConfig(text: string): Parsed<KernelConfig> {
  const config = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set !== null) {
      config.set(set[1] as string, (set[2] as string).replace(/^"(.*)"$/, '$1'));
      continue;
    }
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (unset !== null) config.set(unset[1] as string, 'n');
  }
  if (config.size === 0) return malformed('no CONFIG_ lines: not a kernel configuration');
  return parsed(config);
}

export const configEnabled = (config: KernelConfig, key: string): boolean => {
  const value = config.get(key);
  return value === 'y' || value === 'm';
};
