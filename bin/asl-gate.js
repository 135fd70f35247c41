#!/usr/bin/env node
// The `asl-gate` command: a bundled build of src/cli (run `npm run build` after changing src/).

// Cache compiled code between runs; a no-op where the Node version lacks it. (The module is taken
// with getBuiltinModule: an `import` of it would build an ES-module view of it at every start.)
process.getBuiltinModule?.('node:module')?.enableCompileCache?.();
await import('../lib/cli/index.js');
