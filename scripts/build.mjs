// Bundles the CLI (and the console's front end) with esbuild-wasm: pure JavaScript/WebAssembly,
// so the same build runs unpatched inside the Nix sandbox where npm's native binaries do not.
import { build } from 'esbuild-wasm';
import { rmSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const finalDist = path.join(root, 'dist');
// Build beside dist/ and swap it in at the end, so a CLI started meanwhile never sees half a bundle.
const dist = path.join(root, `dist.tmp-${process.pid}`);
rmSync(dist, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts', doctor: 'src/doctor/main.ts' },
  minify: true,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies bundled into ESM still call require() for node built-ins.
  banner: { js: "import { createRequire as __archibaldRequire } from 'node:module'; const require = __archibaldRequire(import.meta.url);" },
});

/**
 * zod's namespace re-exports every locale (`z.locales`), which esbuild cannot tree-shake: they were
 * most of the console bundle. The pages speak English only, so the locale index resolves to `en`.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
    }));
  },
};

// Front-end bundles: every src/console/web/*.entry.ts(x) becomes dist/web/<name>.js (browser target).
const webDir = path.join(root, 'src/console/web');
if (existsSync(webDir)) {
  const entries = (await readdir(webDir)).filter((f) => /\.entry\.tsx?$/.test(f));
  if (entries.length > 0) {
    const web = await build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(entries.map((f) => [f.replace(/\.entry\.tsx?$/, ''), path.join('src/console/web', f)])),
      outdir: path.join(dist, 'web'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      loader: { '.css': 'css' },
      logLevel: 'warning',
      plugins: [englishOnlyZod],
      // Kept beside the bundle so test/console/bundle-size.test.ts can say what grew.
      metafile: true,
    });
    writeFileSync(path.join(dist, 'web.meta.json'), JSON.stringify(web.metafile));
  }
}

const old = path.join(root, `dist.old-${process.pid}`);
if (existsSync(finalDist)) renameSync(finalDist, old);
renameSync(dist, finalDist);
rmSync(old, { recursive: true, force: true });
