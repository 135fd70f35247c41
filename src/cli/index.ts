// Process entry of the `asl-gate` bin (lib/cli/index.js): no logic here, see main.ts.
import { loadWithCodeCache } from '../code-cache.js';

// The CLI itself is the CommonJS bundle beside this file, loaded with a V8 code cache: a short run
// spends much of its time compiling, and the cache saves most of that from the second run on.
const cli = loadWithCodeCache(`${import.meta.dirname}/process.cjs`);
process.exitCode = await (cli.exports.runProcess as () => Promise<number>)();
// `check` is the command whose start-up matters; a cache written after it holds its code.
if (process.argv[2] === 'check') cli.save();
