// Entry of the bundled Action (dist/index.js): no logic here, see run.ts.

// Node keeps compiled code between runs where it can (a self-hosted runner, say); the module is
// taken with getBuiltinModule, and the rest loaded after, so the cache covers it.
process.getBuiltinModule('node:module').enableCompileCache?.();
const { run } = await import('./run.js');
await run();
