#!/usr/bin/env node
// Thin launcher: everything lives in the bundled dist/cli.js, each command loaded on demand.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/cli.js');
