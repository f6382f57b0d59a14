#!/usr/bin/env node
// Thin launcher: everything lives in the bundled dist/cli.js, each command loaded on demand.
import module from 'node:module';

module.enableCompileCache?.();
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('archibald: the CLI is not built yet: run `npm run build` (or `npm ci`) first\n');
    process.exit(2);
  }
  throw error;
}
