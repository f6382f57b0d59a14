/**
 * Where a measurement's result goes: `--out DIR` (its JSON document and HTML page side by side) and
 * stdout (`--json`: the one document and nothing else; otherwise the human rendering).
 */
import path from 'node:path';
import { printJson } from '../../output.js';
import { writeFileAtomic } from '../../system/index.js';

/** Writes DIR/NAME.json, then DIR/NAME.html (each atomically, DIR made if missing); returns the page's path. */
export async function writeReportFiles(dir: string, name: string, document: unknown, page: string): Promise<string> {
  const html = path.join(dir, `${name}.html`);
  await writeFileAtomic(path.join(dir, `${name}.json`), `${JSON.stringify(document, null, 2)}\n`, { createDirs: true });
  await writeFileAtomic(html, page, { createDirs: true });
  return html;
}

/** `--out DIR` when given: the files written, and a `wrote PAGE` line on stderr unless --json keeps the terminal quiet. */
export async function writeOutDir(settings: { out: string | undefined; json: boolean }, name: string, document: unknown, page: () => string): Promise<void> {
  if (settings.out === undefined) return;
  const html = await writeReportFiles(settings.out, name, document, page());
  if (!settings.json) process.stderr.write(`wrote ${html}\n`);
}

/** The result on stdout: the JSON document with --json, else what `human` renders. */
export function printResult(json: boolean, document: unknown, human: () => string): void {
  if (json) printJson(document);
  else process.stdout.write(human());
}
