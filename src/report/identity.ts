/** Pure parsers for the report's system identity: /proc/cpuinfo and /proc/asound/cards. */
export interface SoundCard {
  index: number;
  id: string;
  driver: string;
  name: string;
  /** The indented second line: bus, address, IRQ or USB port. */
  longName: string | null;
}

export interface CpuSummary {
  model: string | null;
  logicalCpus: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const printable = (text: string): string => text.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').trim();

export function parseCpuInfo(text: string): Parsed<CpuSummary> {
  if (typeof text !== 'string') return { ok: false, error: 'cpuinfo is not text' };
  let model: string | null = null;
  let logicalCpus = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = printable(line.slice(colon + 1));
    if (key === 'processor') logicalCpus++;
    // x86 says "model name"; many ARM boards only "Hardware" or "Model".
    if (model === null && (key === 'model name' || key === 'hardware' || key === 'model' || key === 'cpu model') && value !== '' && !/^\d+$/.test(value)) {
      model = value.slice(0, 200);
    }
  }
  if (model === null && logicalCpus === 0) return { ok: false, error: 'no processor entries in /proc/cpuinfo' };
  return { ok: true, value: { model, logicalCpus } };
}

const CARD_LINE = /^\s*(\d{1,3})\s+\[([^\]]*)\]:\s*(.+?)\s+-\s+(.*)$/;

export function parseAsoundCards(text: string): Parsed<SoundCard[]> {
  if (typeof text !== 'string') return { ok: false, error: 'cards file is not text' };
  const lines = text.split('\n');
  const cards: SoundCard[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = CARD_LINE.exec(lines[i] as string);
    if (match === null) continue;
    const next = lines[i + 1];
    const longName = next !== undefined && /^\s{4,}\S/.test(next) && !CARD_LINE.test(next) ? printable(next) : null;
    cards.push({
      index: Number(match[1]),
      id: printable(match[2] as string),
      driver: printable(match[3] as string),
      name: printable(match[4] as string),
      longName,
    });
  }
  if (cards.length === 0 && !/no soundcards/i.test(text) && text.trim() !== '') return { ok: false, error: 'no sound card lines recognised' };
  return { ok: true, value: cards };
}
