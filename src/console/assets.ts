/**
 * The front end's built files (dist/web, made by scripts/build.mjs), found relative to this bundled
 * module and read once at start-up into a fixed table: a request names an entry of that table,
 * never a path, so no URL can reach any other file.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Uint8Array;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|png|woff2)$/;

/** dist/web beside the bundle (dist/cli.js, dist/chunks/*.js) or, from the sources, ../../dist/web. */
export function findWebDir(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    for (const candidate of [path.join(dir, 'web'), path.join(dir, 'dist', 'web')]) {
      if (existsSync(path.join(candidate, 'console.js'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  return null;
}

export async function loadAssets(webDir: string | null = findWebDir()): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  if (webDir === null) return assets;
  for (const name of await readdir(webDir)) {
    const type = TYPES[path.extname(name)];
    if (!ASSET_NAME.test(name) || type === undefined) continue;
    assets.set(name, { body: await readFile(path.join(webDir, name)), type });
  }
  return assets;
}
