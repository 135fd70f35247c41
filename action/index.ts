// Entry of the bundled Action (dist/index.js): no logic here, see run.ts.
//
// No code cache here, unlike the CLI: a runner downloads the Action afresh for every job, and a
// cache kept anywhere that outlives a job (the tool cache, /tmp) could be written by another job
// on a self-hosted runner, and so run code of its own inside the gate.
//
// Not `await run()`: the chunks loaded on demand (the YAML package, Octokit) import shared code
// from this one, and an import of a module still awaiting at its top level would wait for it,
// which waits for the import. run() reports every failure itself.
import { run } from './run.js';

void run();
