// Entry of the bundled Action (dist/index.js): no logic here, see run.ts.
import { run } from './run.js';

await run();
