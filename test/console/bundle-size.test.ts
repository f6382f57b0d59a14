// The console's front-end bundle once carried every zod locale (556 kB raw, 134 kB gzipped); the
// build now resolves them to English only. These fail if the bundle grows back or a locale returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

const bundlePath = new URL('../../dist/web/console.js', import.meta.url);
const metaPath = new URL('../../dist/web.meta.json', import.meta.url);
// ~296 kB raw / ~96 kB gzipped when set; the margin leaves room for a page, not for a library.
const RAW_BUDGET = 340_000;
const GZIP_BUDGET = 110_000;

const metafileSchema = z.object({
  outputs: z.record(z.string(), z.object({ bytes: z.number(), inputs: z.record(z.string(), z.object({ bytesInOutput: z.number() })) })),
});

const built = existsSync(bundlePath);
const skip = built ? false : 'dist/web is not built: run `node scripts/build.mjs` first';

test('dist/web/console.js stays within its size budget', { skip }, () => {
  const bundle = readFileSync(bundlePath);
  assert.ok(bundle.length <= RAW_BUDGET, `console.js is ${bundle.length} bytes raw, budget ${RAW_BUDGET}`);
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  assert.ok(gzipped <= GZIP_BUDGET, `console.js is ${gzipped} bytes gzipped, budget ${GZIP_BUDGET}`);
});

test('no zod locale but English is bundled, and none is the largest input', { skip }, () => {
  assert.ok(existsSync(metaPath), 'scripts/build.mjs writes dist/web.meta.json beside the bundle');
  const meta = metafileSchema.parse(JSON.parse(readFileSync(metaPath, 'utf8')));
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('console.js'))?.[1];
  assert.ok(output !== undefined, 'the metafile describes console.js');
  const inputs = Object.entries(output.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
  const locale = /zod[\\/]v4[\\/]locales[\\/]([\w-]+)\.js$/;
  const [top] = inputs;
  assert.ok(top !== undefined && !locale.test(top[0]), `largest input is ${top?.[0]}`);
  const locales = inputs.map(([name]) => locale.exec(name)?.[1]).filter((name): name is string => name !== undefined && name !== 'index');
  assert.deepEqual(locales, ['en']);
});
