#!/usr/bin/env node
// Thin launcher: everything lives in the bundled dist/cli.js, each command loaded on demand.
import module from 'node:module';

// V8 code cache for the bundle. Node 22.1+ only (on node 20 this is undefined, so a no-op); the
// cache goes to $TMPDIR/node-compile-cache, which stays writable when the package sits in the
// read-only Nix store.
module.enableCompileCache?.();
// `archibald doctor` has a start-up budget: its own entry skips commander and the other commands.
const args = process.argv.slice(2);
const entry = args[0] === 'doctor' && !args.includes('-h') && !args.includes('--help') ? '../dist/doctor.js' : '../dist/cli.js';

try {
  await import(entry);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && /dist\/(cli|doctor)\.js/.test(String(error.message))) {
    process.stderr.write('archibald: the CLI is not built yet: run `npm run build` (or `npm ci`) first\n');
    process.exit(2);
  }
  throw error;
}
