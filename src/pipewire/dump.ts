/** PipeWire's own reports: `pw-metadata -n settings` and `pw-dump`. */
import { malformed, parseJson, parsed, type Parsed } from '../result.js';

/** `update: id:0 key:'clock.quantum' value:'1024' type:''` → { 'clock.quantum': '1024' } (subject 0 only). */
export function parsePwMetadata(text: string): Parsed<Record<string, string>> {
  const settings: Record<string, string> = {};
  let seen = false;
  for (const line of text.split('\n')) {
    const match = /^update: id:(\d+) key:'([^']*)' value:'([^']*)'/.exec(line.trim());
    if (match === null) continue;
    seen = true;
    if (match[1] === '0') settings[match[2] as string] = match[3] as string;
  }
  if (!seen && !/^Found "/m.test(text)) return malformed('no "update: id:… key:… value:…" lines: not pw-metadata output');
  return parsed(settings);
}

/** PipeWire's effective clock: a forced value wins over the default one. */
export function pipewireClock(settings: Record<string, string>): { rate: number | null; quantum: number | null; minQuantum: number | null; maxQuantum: number | null; forced: string[] } {
  const number = (key: string): number | null => {
    const value = Number(settings[key]);
    return Number.isFinite(value) && value > 0 ? value : null;
  };
  const forced = ['clock.force-rate', 'clock.force-quantum'].filter((key) => number(key) !== null);
  return {
    rate: number('clock.force-rate') ?? number('clock.rate'),
    quantum: number('clock.force-quantum') ?? number('clock.quantum'),
    minQuantum: number('clock.min-quantum'),
    maxQuantum: number('clock.max-quantum'),
    forced,
  };
}

export interface PwNode {
  id: number;
  name: string;
  driver: boolean;
  /** node.latency as requested by the client, e.g. "1024/48000". */
  latency: string | null;
  forceQuantum: number | null;
  state: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** pw-dump prints a JSON array of objects; only nodes matter here. Unknown shapes are skipped, not trusted. */
export function parsePwDump(text: string): Parsed<PwNode[]> {
  const json = parseJson(text);
  if (!json.ok) return malformed(`pw-dump output is not JSON: ${json.error}`);
  const data = json.value;
  if (!Array.isArray(data)) return malformed('pw-dump output is not a JSON array');
  const nodes: PwNode[] = [];
  for (const object of data) {
    if (!isRecord(object) || object.type !== 'PipeWire:Interface:Node' || typeof object.id !== 'number') continue;
    const info = isRecord(object.info) ? object.info : {};
    const props = isRecord(info.props) ? info.props : {};
    const text = (value: unknown): string | null => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null);
    const force = Number(props['node.force-quantum']);
    nodes.push({
      id: object.id,
      name: text(props['node.name']) ?? `node ${object.id}`,
      driver: props['node.driver'] === true,
      latency: text(props['node.latency']),
      forceQuantum: Number.isInteger(force) && force > 0 ? force : null,
      state: text(info.state),
    });
  }
  return parsed(nodes);
}
