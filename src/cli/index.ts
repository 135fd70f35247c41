// Process entry of the `asl-gate` bin: no logic here, see main.ts.
import { run } from './main.js';
import { plainStdout } from './stdout.js';

try {
  process.exitCode = await run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: plainStdout(),
    // A getter, not process.stderr itself: building that stream costs milliseconds, and most runs never write to it.
    stderr: { write: (s: string) => process.stderr.write(s) },
  });
} catch (e) {
  // Only our own bugs reach here: user mistakes are findings or usage errors.
  process.stderr.write(`asl-gate: internal error, please report it:\n${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 2;
}
