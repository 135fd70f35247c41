#!/usr/bin/env node
// The `asl-gate` command: a bundled build of src/cli (run `npm run build` after changing src/).
import module from 'node:module';

// Node's compile cache, kept beside the bundle it caches: whoever could write it could write the
// bundle itself (a shared temporary folder could be written by anyone). An install that cannot
// write there runs without it; NODE_DISABLE_COMPILE_CACHE turns it off.
module.enableCompileCache?.(new URL('../lib/cli/compile-cache', import.meta.url).pathname);
await import('../lib/cli/index.js');
