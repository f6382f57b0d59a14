/**
 * Pure pieces of running a command through the CLI: the one JSON document it prints on stdout and
 * its one-line error on stderr. The `--progress ndjson` records between are the benches' contract
 * (bench/plumbing/progress-record.ts).
 */
import { parseProgressLine } from '../bench/contract.js';
import { parseJson } from '../result.js';

/** The bench's stdout: exactly one JSON object (the `--json` contract), or a reason it is not. */
export function parseJsonDocument(stdout: string): { ok: true; document: Record<string, unknown> } | { ok: false; reason: string } {
  const text = stdout.trim();
  if (text === '') return { ok: false, reason: 'the command printed nothing on stdout' };
  const json = parseJson(text);
  if (!json.ok) return { ok: false, reason: `the command's output is not JSON: ${json.error}` };
  const data = json.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'the command did not print a JSON object' };
  return { ok: true, document: data as Record<string, unknown> };
}

/**
 * The CLI's one-line error from stderr: the last `archibald: …` line (a suggestion may follow it
 * on an indented line), else the last line that is not a progress record.
 */
export function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && parseProgressLine(line) === null);
  return lines.findLast((line) => line.startsWith('archibald: ')) ?? lines.at(-1) ?? '';
}
