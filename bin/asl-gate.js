#!/usr/bin/env node
// The `asl-gate` command: a bundled build of src/cli (run `npm run build` after changing src/).
import { enableCompileCache } from 'node:module';

// Cache compiled code between runs; a no-op where the Node version lacks it.
enableCompileCache?.();
await import('../lib/cli/index.js');
