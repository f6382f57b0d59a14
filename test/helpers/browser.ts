/**
 * Debian's Chromium driven by playwright-core, kept off the network: no QUIC, no background
 * traffic, no component updates, a fresh profile directory per launch (removed on close).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(tmpdir(), 'archibald-chromium-'));
  // launchPersistentContext is playwright's way to pass --user-data-dir (a fresh temporary one).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export const artifactsDir = (capability: string): string => path.join(process.cwd(), 'test-artifacts', capability);

/**
 * Opens a self-contained HTML file (renderPage output) with every non-file request refused and
 * recorded, waits for its charts, and optionally saves a full-page screenshot.
 */
export async function renderOffline(file: string, screenshot: string | null): Promise<{ charts: number; ready: string | null; blocked: string[]; text: string }> {
  const browser = await launchChromium();
  try {
    const blocked: string[] = [];
    await browser.context.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-charts-ready]', { timeout: 15_000 });
    const charts = await page.locator('.uplot').count();
    const ready = await page.getAttribute('html', 'data-charts-ready');
    if (screenshot !== null) {
      await mkdir(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    return { charts, ready, blocked, text: await page.innerText('body') };
  } finally {
    await browser.close();
  }
}
