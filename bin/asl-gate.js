#!/usr/bin/env node
// The `asl-gate` command: a bundled build of src/cli (run `npm run build` after changing src/).
await import('../lib/cli/index.js');
