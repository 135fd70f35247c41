// Process entry of the `asl-gate` bin (lib/cli/index.js): no logic here, see main.ts.
import { runProcess } from './process.js';

process.exitCode = await runProcess();
