/** `archibald report`: gather, render, write both files atomically. */
import path from 'node:path';
import { ArchibaldError } from '../errors.js';
import { writeFileAtomic } from '../system/index.js';
import { gatherReport } from './gather.js';
import { renderPage } from '../html/page.js';
import { reportMarkdown, reportPage } from './render.js';

export interface ReportOptions {
  out?: string;
  markdown?: string;
}

const WHY: Record<string, string> = {
  EEXIST: 'its folder is not a folder',
  ENOTDIR: 'its folder is not a folder',
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a folder',
};

async function write(file: string, content: string, what: string): Promise<void> {
  try {
    await writeFileAtomic(file, content, { createDirs: true });
  } catch (error) {
    // The shared writer wraps the system error; its cause carries the errno.
    const cause = error instanceof ArchibaldError && error.cause !== undefined ? error.cause : error;
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    throw new ArchibaldError('BAD_INPUT', `cannot write the ${what} to ${file}: ${WHY[code] ?? (cause as Error).message}`);
  }
}

export async function runReportCommand(options: ReportOptions): Promise<number> {
  const htmlFile = path.resolve(options.out ?? 'archibald-report.html');
  const data = await gatherReport();
  await write(htmlFile, renderPage(reportPage(data)), 'HTML report');
  const markdown = reportMarkdown(data, htmlFile);
  if (options.markdown !== undefined) {
    const markdownFile = path.resolve(options.markdown);
    await write(markdownFile, markdown, 'Markdown summary');
    process.stdout.write(`wrote ${htmlFile}\nwrote ${markdownFile}\n`);
  } else {
    // stdout carries only the Markdown, so `archibald report | xclip` pastes cleanly.
    process.stdout.write(markdown);
    process.stderr.write(`archibald: wrote ${htmlFile}\n`);
  }
  return 0;
}
