// Entry of the bundled Action (dist/index.js): no logic here, see run.ts.
import { loadWithCodeCache } from '../src/code-cache.js';

// The runner is the CommonJS bundle beside this file, loaded with a V8 code cache. A hosted runner
// is a fresh machine for every job, so there the cache is not written; a self-hosted runner keeps
// the Action's folder, and from its second run on the start-up skips most compiling.
const runner = loadWithCodeCache(`${import.meta.dirname}/run.cjs`);
await (runner.exports.run as () => Promise<void>)();
if (process.env.RUNNER_ENVIRONMENT !== 'github-hosted') runner.save();
